r"""Conventions as data: dictionaries between the papers' parameterizations.

Several papers of the catalogue study the same model, power-law linear regression, in different
symbols. A :class:`Dictionary` writes the symbols of one paper in those of another, so that an
exponent of one paper can be read in another paper's symbols (:func:`convert`).

* ``anytime``: :math:`\lambda_i \sim i^{-a}`, :math:`E[\lambda_i w_i^{*2}] \sim i^{-b}`;
  N samples = steps (batch 1).
* ``functional_scaling``: :math:`\lambda_j \sim j^{-\beta}`,
  :math:`\lambda_j \theta_j^{*2} \sim j^{-(1+s\beta)}`; D = B K samples.
* ``plrf_phases`` and ``dana``: :math:`\lambda_j = j^{-2\alpha}`, :math:`b_j = j^{-\beta}`;
  r (DANA: t) steps of batch B (DANA: 1).

so that :math:`a = \beta_{\rm FSL} = 2\alpha`, :math:`b = 1 + s\beta_{\rm FSL} = 2\alpha +
2\beta`. Constant factors are not carried: the anytime and PLRF risks are halved squared errors,
FSL's is the mean squared error; a power law's exponent does not see the factor 2.

>>> import scalinglaws as sl
>>> sl.convert("anytime.optimal_decay_exponent", to="functional_scaling")
Max(0, (beta*s - beta + 1)/(beta*s + 1))
>>> sl.convert("plrf_phases.sgd_loss_exponent", to="anytime")
(b - 1)/a

The first is the FSL exponential-decay peak learning-rate exponent of the easy regime; the second
is the anytime constant-step rate :math:`(b-1)/a`: the same result, read in each paper's symbols.
"""

from __future__ import annotations

import dataclasses
from collections import deque

import sympy as sp

from .errors import ParameterError, UnknownKeyError

__all__ = ["Dictionary", "DICTIONARIES", "dictionary", "convert"]


@dataclasses.dataclass(frozen=True)
class Dictionary:
    """The symbols of paper ``source`` written in the symbols of paper ``target``.

    ``mapping`` maps a parameter name of ``source`` to an expression (text, parsed against the
    target paper's parameters only) in ``target``'s parameters. ``where`` says where the
    correspondence comes from; ``notes`` what it does not carry.
    """

    source: str
    target: str
    mapping: tuple[tuple[str, str], ...]
    where: str
    notes: str = ""

    def substitutions(self) -> dict[sp.Symbol, sp.Expr]:
        """``{source symbol: expression in target symbols}``."""
        from .registry import paper

        src, dst = paper(self.source).params, paper(self.target).params
        local = {name: p.symbol for name, p in dst.items()}
        subs = {}
        for name, text in self.mapping:
            # the text is this module's own constant, parsed against the target's symbols
            subs[src[name].symbol] = sp.sympify(text, locals=local)
        return subs


_PLRF_TIME = "the PLRF time is r steps of batch B, so N = r B samples"

#: Every dictionary the catalogue relies on; each direction is written out (a test checks that
#: the two directions compose to the identity).
DICTIONARIES = (
    Dictionary(
        "anytime", "functional_scaling",
        (("a", "beta"), ("b", "1 + s*beta"), ("N", "D"), ("sigma2", "sigma2")),
        "FSL Assumptions 2.3-2.4 (lambda_j ~ j^-beta, |theta*_j|^2 ~ j^-1 lambda_j^(s-1), so "
        "lambda_j theta*_j^2 ~ j^-(1+s beta)) against the anytime capacity/source exponents",
        "one anytime step is one sample (batch 1): N = D; FSL's learning rate is eta/B",
    ),
    Dictionary(
        "functional_scaling", "anytime",
        (("beta", "a"), ("s", "(b - 1)/a"), ("D", "N"), ("sigma2", "sigma2")),
        "inverse of the anytime -> functional_scaling dictionary",
    ),
    Dictionary(
        "plrf_phases", "anytime",
        (("alpha", "a/2"), ("beta", "(b - a)/2")),
        "PLRF data covariance j^-2alpha and target b_j = j^-beta: lambda_j b_j^2 ~ "
        "j^-(2 alpha + 2 beta), so a = 2 alpha, b = 2 alpha + 2 beta",
        _PLRF_TIME + "; the PLRF model dimension d (random features) has no anytime "
        "counterpart (anytime is the d -> infinity limit)",
    ),
    Dictionary(
        "anytime", "plrf_phases",
        (("a", "2*alpha"), ("b", "2*alpha + 2*beta"), ("N", "r*B")),
        "inverse of the plrf_phases -> anytime dictionary",
        _PLRF_TIME,
    ),
    Dictionary(
        "dana", "plrf_phases",
        (("alpha", "alpha"), ("beta", "beta"), ("d", "d"), ("t", "r")),
        "DANA is studied on the PLRF model with the same alpha, beta and d",
        "DANA's steps are at batch 1: t = r at B = 1",
    ),
    Dictionary(
        "plrf_phases", "dana",
        (("alpha", "alpha"), ("beta", "beta"), ("d", "d"), ("r", "t")),
        "inverse of the dana -> plrf_phases dictionary",
        "at batch B = 1",
    ),
)


def _edges() -> dict[str, list[Dictionary]]:
    edges: dict[str, list[Dictionary]] = {}
    for item in DICTIONARIES:
        edges.setdefault(item.source, []).append(item)
    return edges


def dictionary(source: str, target: str) -> dict[sp.Symbol, sp.Expr]:
    """The symbols of paper ``source`` written in those of paper ``target`` (composed through
    intermediate papers when no direct dictionary exists).

    >>> import scalinglaws as sl
    >>> sorted((str(k), str(v)) for k, v in sl.dictionary("plrf_phases", "functional_scaling").items())
    [('alpha', 'beta/2'), ('beta', 'beta*s/2 - beta/2 + 1/2')]
    """
    from .registry import paper

    paper(source), paper(target)  # unknown names raise UnknownKeyError
    if source == target:
        return {p.symbol: p.symbol for p in paper(source).params.values()}
    edges = _edges()
    queue = deque([(source, [])])
    seen = {source}
    while queue:
        node, path = queue.popleft()
        for edge in edges.get(node, ()):
            if edge.target in seen:
                continue
            chain = path + [edge]
            if edge.target == target:
                return _compose(chain)
            seen.add(edge.target)
            queue.append((edge.target, chain))
    linked = sorted({d.source for d in DICTIONARIES} | {d.target for d in DICTIONARIES})
    raise UnknownKeyError(
        f"dictionary from {source!r} to {target!r} (papers with dictionaries)", target, linked
    )


def _compose(chain: list[Dictionary]) -> dict[sp.Symbol, sp.Expr]:
    subs = chain[0].substitutions()
    for edge in chain[1:]:
        step = edge.substitutions()
        subs = {k: sp.simplify(v.xreplace(step)) for k, v in subs.items()
                if v.free_symbols <= set(step)}
    return subs


def convert(law_or_expr, *, to: str, source: str | None = None) -> sp.Expr:
    """A law's expression (a :class:`~scalinglaws.Law`, its key, or a SymPy expression in the
    symbols of paper ``source``) written in the symbols of paper ``to``.

    Raises :class:`~scalinglaws.errors.ParameterError` when the expression uses a symbol the
    dictionary does not carry (a quantity without a counterpart in paper ``to``).
    """
    from .law import Law
    from .registry import law as get_law

    if isinstance(law_or_expr, str):
        law_or_expr = get_law(law_or_expr)
    if isinstance(law_or_expr, Law):
        expr, source = law_or_expr.expr, law_or_expr.paper
    elif isinstance(law_or_expr, sp.Basic):
        if source is None:
            raise ParameterError("convert: give source= (the paper whose symbols expr uses)")
        expr = law_or_expr
    else:
        raise ParameterError(
            f"convert: expected a law, a law key or a SymPy expression, got "
            f"{type(law_or_expr).__name__}"
        )
    subs = dictionary(source, to)
    missing = sorted(str(s) for s in expr.free_symbols if s not in subs)
    if missing:
        raise ParameterError(
            f"convert: {', '.join(missing)} of {source} have no counterpart in {to}'s symbols"
        )
    return sp.simplify(expr.xreplace(subs))
