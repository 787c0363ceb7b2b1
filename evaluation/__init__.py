"""How well the assistant does, measured: evaluation, calibration and gated retraining.

Why a package of its own: these are command-line tools run by developers and by the
municipality's beheerder (``make eval``, ``make retrain``), not Rasa plugins; they load a trained
model and the catalogue and use the same decision core the actions use.
"""
