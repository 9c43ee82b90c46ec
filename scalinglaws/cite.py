"""BibTeX for the papers behind the laws, and for the package itself.

>>> import scalinglaws as sl
>>> print(sl.cite("anytime.optimal_decay_exponent"))  # doctest: +ELLIPSIS
@misc{meterez2026anytime,
  title         = {Anytime Pretraining: Horizon-Free Learning-Rate Schedules with Weight Averaging},
  author        = {Meterez and Nair and Morwani and Pehlevan and Kakade},
  year          = {2026},
  eprint        = {2602.03702},
  archivePrefix = {arXiv},
  url           = {https://arxiv.org/abs/2602.03702v1},
}

A law's entry is its paper's: the law's own location (``where``) and provenance status are in
``scalinglaws show KEY``. ``cite`` takes law keys, paper names or family names, and gives each
paper once, in the order first named.
"""

from __future__ import annotations

import re
import unicodedata

from .errors import UnknownKeyError

__all__ = ["cite", "bibtex", "PACKAGE_BIBTEX"]

#: How to cite scalinglaws itself (also in CITATION.cff at the repository root).
PACKAGE_BIBTEX = """@software{scalinglaws,
  title  = {scalinglaws: closed-form results of optimization theory as queryable, derivable and verifiable objects},
  author = {{The scalinglaws developers}},
  year   = {2026},
  note   = {Python package, version {VERSION}},
}"""

_SPECIAL = str.maketrans({"&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_"})


def _ascii_word(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", plain.lower())


def _key(paper) -> str:
    first_author = paper.authors.split(",")[0].strip().split()[-1] if paper.authors else ""
    words = [w for w in re.split(r"\W+", paper.title or "") if len(w) > 3]
    head = _ascii_word(first_author) or _ascii_word(paper.name)
    return f"{head}{paper.year or ''}{_ascii_word(words[0]) if words else ''}"


def bibtex(paper) -> str:
    """The BibTeX entry of a :class:`~scalinglaws.Paper` (``@misc`` with its arXiv eprint)."""
    fields = [("title", (paper.title or paper.name).translate(_SPECIAL))]
    if paper.authors:
        fields.append(("author", " and ".join(a.strip() for a in paper.authors.split(","))))
    if paper.year:
        fields.append(("year", str(paper.year)))
    if paper.venue:
        fields.append(("howpublished", paper.venue.translate(_SPECIAL)))
    fields.append(("eprint", paper.arxiv))
    fields.append(("archivePrefix", "arXiv"))
    version = f"v{paper.version}" if paper.version else ""
    fields.append(("url", f"https://arxiv.org/abs/{paper.arxiv}{version}"))
    body = "".join(f"  {name:<13} = {{{value}}},\n" for name, value in fields)
    return f"@misc{{{_key(paper)},\n{body}}}"


def cite(*items: str, package: bool = False) -> str:
    """BibTeX for the papers of the named laws, papers or families (each paper once).

    ``package=True`` appends the entry for scalinglaws itself. An unknown name raises
    :class:`~scalinglaws.errors.UnknownKeyError`.
    """
    from . import __version__
    from .registry import _LAWS, families, law, paper, papers

    names = [p.name for p in papers()]
    chosen = []
    for item in items:
        if not isinstance(item, str):
            raise UnknownKeyError("law, paper or family to cite", repr(item), names)
        if item in names:
            name = item
        elif item in families():
            name = item.split(".", 1)[0]
        else:
            try:
                name = law(item).paper
            except UnknownKeyError:
                raise UnknownKeyError(
                    "law, paper or family to cite", item, names + sorted(_LAWS)
                ) from None
        if name not in chosen:
            chosen.append(name)
    entries = [bibtex(paper(name)) for name in chosen]
    if package:
        entries.append(PACKAGE_BIBTEX.replace("{VERSION}", __version__))
    return "\n\n".join(entries)
