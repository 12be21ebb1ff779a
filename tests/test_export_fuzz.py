"""Fuzzing :func:`succinct.export.load`: mutated manifests and weights are refused or equal.

Six exported models, one of each kind (Dyck-(1,2) UHAT, RNN, B-RASP program and DFA; the
parity word problem's second-order RNN and positional scan UHAT with T = 4), are mutated
at random:

* manifest JSON: delete a key or list item, give a value another type, replace a string by
  another string (labels, symbols and choices of the same manifest, or ones no spec
  allows), change a number, shuffle or truncate a list, edit the alphabet;
* weights: truncate the bytes, flip a byte, replace an array by one of another shape, of
  another dtype, with a NaN, or with one entry changed.

A case leaves the digests as written (an accident: corruption, a stray edit) or recomputes
them (a deliberate edit, which then meets the entry and array checks alone). Oracle, per
case:

* ``load`` raises :class:`succinct.words.SuccinctError` with a one-line message, or
* digests as written: it loads a model equal to the original (same class, same alphabet,
  same decisions on every word up to length 6, or 4 for the scan: T = 4);
* digests recomputed: it loads a model whose decisions on those words are computed
  without any exception but a ``SuccinctError`` (the model may differ: the edit was
  meant).

Any other exception (``KeyError``, ``TypeError``, ``IndexError``, …) fails the test.
Random cases rarely reach a given entry of a given model, so a systematic sweep
(:func:`test_every_entry_with_every_wrong_value`) gives every representative entry each
wrong value too. Planted bugs (each reverted): reading the alphabet as
``tuple(entry.value)`` instead of ``entry.labels()`` fails the random test
(``TypeError``); reading ``bits`` without ``integer()`` and building an FFN's hidden
space from the raw value fail the sweep (``TypeError``). Removing a check whose absence
gives a wrong model rather than a crash (the digests, a mask's allowed values, finite
values) is caught by ``tests/test_export.py``, whose tests name those plants.
"""

import copy
import hashlib
import itertools
import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from safetensors.numpy import load as load_arrays
from safetensors.numpy import save as save_arrays

from succinct.export import load, manifest_digest, save
from succinct.recognizer import accepts
from succinct.registry import get_family
from succinct.words import Alphabet, SuccinctError

MODELS = {
    "uhat": ("dyck", "uhat", {"k": 1, "D": 2}),
    "rnn": ("dyck", "rnn", {"k": 1, "D": 2}),
    "brasp": ("dyck", "brasp", {"k": 1, "D": 2}),
    "dfa": ("dyck", "dfa", {"k": 1, "D": 2}),
    "rnn2": ("wordproblem", "rnn2", {"monoid": "parity", "T": 4}),
    "scan": ("wordproblem", "scan", {"monoid": "parity", "T": 4}),
}
ODD_STRINGS = ["sideways", "middle", "", "a b", "Q_(", "tanh", "x" * 70, "é"]
ODD_VALUES = [None, True, False, 0, -1, 1.5, 10**12, math.nan, "3", [], {}, ["x"]]
# The sweep's values below the top level (each place costs a load per value).
FEW_ODD_VALUES = [None, True, -1, 1.5, "sideways", "", [], {}]
# Entries load compares with the rebuilt model (or carries): the sweep does not descend.
RECORDED = ("sizes", "formulas", "text", "params", "family_formulas")


def _all_words(alphabet: Alphabet, max_len: int) -> list[str]:
    return [alphabet.to_word(w) for n in range(1, max_len + 1)
            for w in itertools.product(range(len(alphabet)), repeat=n)]


class _Exports(dict):
    def __repr__(self) -> str:  # hypothesis prints the arguments of a failing case
        return f"<exports of {', '.join(self)}>"


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """Per model: the original, its words and decisions, its manifest and weights bytes."""
    root = tmp_path_factory.mktemp("exports")
    out = _Exports()
    for name, (family, model_name, raw) in MODELS.items():
        model = get_family(family).build(model_name, raw)
        files = save(model, root / name, info={"family": family, "params": raw})
        words = _all_words(model.alphabet, 4 if name == "scan" else 6)
        weights = files[1].read_bytes() if len(files) > 1 else None
        out[name] = (model, words, accepts(model, words), json.loads(files[0].read_text()),
                     weights)
    return out


def _paths(value, prefix=()):
    """Every place in a JSON tree, as a tuple of keys and indices (the root included)."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, prefix + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _paths(item, prefix + (i,))


def _strings(value):
    return sorted({v for path in _paths(value) if isinstance(v := _at(value, path), str)})


def _at(value, path):
    for key in path:
        value = value[key]
    return value


def _place(data, manifest):
    """A place in the manifest, as ``(container, key)``: a top-level entry, or one reached
    by descending into containers (each level as likely as the one above, so the few
    top-level entries are not drowned by the many labels)."""
    parent = manifest
    while True:
        keys = list(parent) if isinstance(parent, dict) else list(range(len(parent)))
        key = data.draw(st.sampled_from(keys), label="key")
        child = parent[key]
        if not (isinstance(child, dict | list) and child
                and data.draw(st.booleans(), label="descend")):
            return parent, key
        parent = child


def _mutate_manifest(data, manifest):
    """One random edit of the manifest (in place)."""
    parent, key = _place(data, manifest)
    value = parent[key]
    op = data.draw(st.sampled_from(["delete", "retype", "restring", "renumber", "list",
                                    "alphabet"]), label="op")
    if op == "delete":
        del parent[key]
    elif op == "retype":
        # A copy: a later edit of this case may descend into it.
        parent[key] = copy.deepcopy(data.draw(st.sampled_from(ODD_VALUES), label="value"))
    elif op == "restring":
        parent[key] = data.draw(st.sampled_from(_strings(manifest) + ODD_STRINGS),
                                label="string")
    elif op == "renumber":
        number = value if isinstance(value, int | float) and not isinstance(value, bool) else 0
        parent[key] = data.draw(st.sampled_from([number + 1, number - 1, 2 * number, -number,
                                                 0, float(number) + 0.5, 2**40]),
                                label="number")
    elif op == "list":
        if isinstance(value, list) and value:
            cut = data.draw(st.integers(0, len(value)), label="cut")
            parent[key] = data.draw(st.permutations(value), label="shuffled")[:cut or None]
    else:
        symbols = manifest.get("alphabet")
        symbols = list(symbols) if isinstance(symbols, list) else []
        edit = data.draw(st.sampled_from(["drop", "duplicate", "add", "swap", "rename"]),
                         label="alphabet edit")
        if edit == "drop" and symbols:
            symbols.pop()
        elif edit == "duplicate" and symbols:
            symbols.append(symbols[0])
        elif edit == "add":
            symbols.append("z")
        elif edit == "swap":
            symbols.reverse()
        elif symbols:
            symbols[0] = data.draw(st.sampled_from(ODD_STRINGS), label="symbol")
        manifest["alphabet"] = symbols


def _mutate_weights(data, weights: bytes) -> bytes:
    """One random edit of the weights file's bytes."""
    op = data.draw(st.sampled_from(["truncate", "flip", "array"]), label="weights op")
    if op == "truncate":
        return weights[:data.draw(st.integers(0, len(weights) - 1), label="keep")]
    if op == "flip":
        at = data.draw(st.integers(0, len(weights) - 1), label="byte")
        return weights[:at] + bytes([weights[at] ^ 0x55]) + weights[at + 1:]
    arrays = dict(load_arrays(weights))
    name = data.draw(st.sampled_from(sorted(arrays)), label="array")
    x = arrays[name]
    change = data.draw(st.sampled_from(["shape", "dtype", "nan", "value"]), label="change")
    if change == "shape":
        x = np.zeros(x.shape[:-1] + (x.shape[-1] + 1,) if x.ndim else (1,), x.dtype)
    elif change == "dtype":
        x = x.astype(data.draw(st.sampled_from([np.float32, np.float64, np.int32, np.int64,
                                                np.bool_, np.uint8]), label="dtype"))
    elif change == "nan":
        x = np.full(x.shape, np.nan, np.float32)
    elif x.size:
        x = x.copy()
        x.flat[data.draw(st.integers(0, x.size - 1), label="entry")] += 1
    arrays[name] = np.ascontiguousarray(x)
    return save_arrays(arrays)


# The profile's settings (tests/conftest.py), plus: the fixtures are module-scoped files.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(data=st.data())
def test_mutated_exports_are_refused_or_load_equal(exported, tmp_path_factory, data):
    name = data.draw(st.sampled_from(sorted(exported)), label="model")
    original, words, decisions, manifest, weights = exported[name]
    manifest = json.loads(json.dumps(manifest))
    edit_weights = weights is not None and data.draw(st.booleans(), label="edit weights")
    if edit_weights:
        weights = _mutate_weights(data, weights)
    for _ in range(data.draw(st.integers(0 if edit_weights else 1, 2), label="edits")):
        _mutate_manifest(data, manifest)
    rehash = data.draw(st.booleans(), label="recompute digests")
    if rehash:
        if weights is not None:
            manifest["weights_sha256"] = hashlib.sha256(weights).hexdigest()
        manifest["manifest_sha256"] = manifest_digest(manifest)
    where: Path = tmp_path_factory.mktemp("case") / "m"
    where.with_suffix(".json").write_text(json.dumps(manifest))
    if weights is not None:
        where.with_suffix(".safetensors").write_bytes(weights)
    try:
        back = load(where.with_suffix(".json"))
    except SuccinctError as e:
        text = str(e)
        assert text.strip() and "\n" not in text, repr(text)
        event(f"refused: {text.split(' ')[1] if ':' in text else text[:30]}")
        return
    event("loaded (digests recomputed)" if rehash else "loaded equal")
    if not rehash:
        assert type(back) is type(original)
        assert back.alphabet == original.alphabet
        assert (accepts(back, words) == decisions).all()
        return
    try:
        accepts(back, [w for w in words if all(s in back.alphabet.symbols
                                                for s in original.alphabet.split(w))])
    except SuccinctError as e:
        assert "\n" not in str(e)


def _first_places(value, prefix=(), depth=4):
    """Every top-level entry, and below it the places of every JSON object (each layer,
    each op) and of the first and last element of other lists (labels, table rows),
    down to ``depth`` levels: one representative of each kind of entry."""
    if depth == 0 or not isinstance(value, dict | list) or not value:
        return
    keys = list(value) if isinstance(value, dict) else [0, len(value) - 1]
    for key in dict.fromkeys(keys):
        yield prefix + (key,)
        if key in RECORDED or (isinstance(value, list) and key != 0
                               and not isinstance(value[key], dict)):
            continue
        yield from _first_places(value[key], prefix + (key,), depth - 1)


@pytest.mark.parametrize("name", sorted(MODELS))
def test_every_entry_with_every_wrong_value(exported, tmp_path, name):
    """Systematic sweep beside the random one: each representative entry (top-level ones,
    the first layer's, op's, row's, …) replaced by each of :data:`ODD_VALUES` and the odd
    strings, digests recomputed. Oracle: a one-line SuccinctError, or a model that
    decides the words without another exception. Planted bugs that fail it: reading
    ``bits`` without ``integer()`` (``TypeError``), building an FFN's hidden space from
    the raw value (``Space(tuple(None))``: ``TypeError``)."""
    original, words, _, manifest, weights = exported[name]
    where = tmp_path / "m"
    if weights is not None:
        where.with_suffix(".safetensors").write_bytes(weights)
    for path in _first_places(manifest):
        if path[0] in ("manifest_sha256", "weights_sha256", "family") + RECORDED:
            continue  # digests and the entries checked after the build: see the fuzz test
        for value in ODD_VALUES + ODD_STRINGS if len(path) == 1 else FEW_ODD_VALUES:
            edited = json.loads(json.dumps(manifest))
            _at(edited, path[:-1])[path[-1]] = copy.deepcopy(value)
            edited["manifest_sha256"] = manifest_digest(edited)
            where.with_suffix(".json").write_text(json.dumps(edited))
            try:
                back = load(where.with_suffix(".json"))
            except SuccinctError as e:
                assert "\n" not in str(e), (path, value, str(e))
                continue
            if name in ("rnn", "rnn2"):
                continue  # a jitted pass over validated arrays; compiling per spec is slow
            try:
                accepts(back, [w for w in words if len(w) <= 4 and all(
                    s in back.alphabet.symbols for s in original.alphabet.split(w))])
            except SuccinctError as e:
                assert "\n" not in str(e), (path, value, str(e))
