"""Can gradient descent find the constructions? Training softmax transformers and RNNs
with optax at the constructions' sizes, scored against the references (issue 15).

* :mod:`succinct.learn.data`: labelled words (the reference labels; an automaton of the
  language samples members and non-members uniformly per length);
* :mod:`succinct.learn.nets`: the trainable transformer (the architecture of
  :mod:`succinct.models.softmax`) and Elman RNN, budgets, initialisations, export to the
  library models;
* :mod:`succinct.learn.train`: the optax loop, the scores, RNN automaton extraction;
* :mod:`succinct.learn.experiment`: :func:`learn`, one experiment end to end (the
  ``succinct learn`` command).
"""

from succinct.learn.experiment import Budget, LearnResult, learn
from succinct.learn.train import TrainConfig, TrainingDiverged

__all__ = ["Budget", "LearnResult", "TrainConfig", "TrainingDiverged", "learn"]
