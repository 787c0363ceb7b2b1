-- deploy/docker-compose.yml: the conversations get a database of their own (TRACKER_STORE_URL).
CREATE DATABASE tracker;
