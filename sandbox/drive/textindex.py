"""The inverted index behind Drive search: ``fullText contains`` is a whole-token phrase look-up and
``name contains`` a token-prefix look-up, so a query never scans every file's content.

Tokens are maximal runs of letters and digits (``_`` and punctuation separate), lower-cased, with no
diacritic folding or stemming. A document is indexed as separate fields (its name, then each block of
text, e.g. each spreadsheet cell) with a gap between them, so a phrase never spans two fields.
"""
from __future__ import annotations

import bisect
import re
from collections import defaultdict
from typing import Iterable

_WORD = re.compile(r"[^\W_]+")


def tokens(text: str) -> list[str]:
    return [t.lower() for t in _WORD.findall(text or "")]


class TextIndex:
    def __init__(self) -> None:
        self._postings: dict[str, dict[str, list[int]]] = defaultdict(dict)  # token -> doc -> positions
        self._doc_tokens: dict[str, set[str]] = {}
        self._names: dict[str, set[str]] = defaultdict(set)  # name token -> docs
        self._doc_names: dict[str, set[str]] = {}
        self._vocab: list[str] = []
        self._vocab_dirty = False

    def __contains__(self, doc: str) -> bool:
        return doc in self._doc_tokens

    def put(self, doc: str, name: str, blocks: Iterable[str]) -> None:
        """(Re)index a document from its name and text blocks."""
        self.remove(doc)
        positions: dict[str, list[int]] = defaultdict(list)
        pos = 0
        for field in [name, *blocks]:
            for tok in tokens(field):
                positions[tok].append(pos)
                pos += 1
            pos += 1  # the gap between fields
        for tok, plist in positions.items():
            self._postings[tok][doc] = plist
        self._doc_tokens[doc] = set(positions)
        name_toks = set(tokens(name))
        for tok in name_toks:
            if not self._names[tok]:
                self._vocab_dirty = True
            self._names[tok].add(doc)
        self._doc_names[doc] = name_toks

    def remove(self, doc: str) -> None:
        for tok in self._doc_tokens.pop(doc, ()):
            posting = self._postings.get(tok)
            if posting is not None:
                posting.pop(doc, None)
                if not posting:
                    del self._postings[tok]
        for tok in self._doc_names.pop(doc, ()):
            docs = self._names.get(tok)
            if docs is not None:
                docs.discard(doc)
                if not docs:
                    del self._names[tok]
                    self._vocab_dirty = True

    def phrase(self, words: list[str]) -> set[str]:
        """Documents holding ``words`` as consecutive whole tokens (empty phrase: none)."""
        if not words:
            return set()
        postings = [self._postings.get(w) for w in words]
        if any(p is None for p in postings):
            return set()
        order = sorted(range(len(words)), key=lambda i: len(postings[i]))  # type: ignore[arg-type]
        candidates = set(postings[order[0]])  # type: ignore[arg-type]
        for i in order[1:]:
            candidates &= postings[i].keys()  # type: ignore[union-attr]
            if not candidates:
                return set()
        if len(words) == 1:
            return candidates
        hits = set()
        for doc in candidates:
            first = postings[0][doc]  # type: ignore[index]
            rest = [set(postings[i][doc]) for i in range(1, len(words))]  # type: ignore[index]
            if any(all(p + i + 1 in rest[i] for i in range(len(rest))) for p in first):
                hits.add(doc)
        return hits

    def name_prefix(self, words: list[str]) -> set[str] | None:
        """Documents whose name has, for every word, a token starting with it (None: no words, i.e. all)."""
        if not words:
            return None
        if self._vocab_dirty:
            self._vocab = sorted(self._names)
            self._vocab_dirty = False
        result: set[str] | None = None
        for w in words:
            docs: set[str] = set()
            i = bisect.bisect_left(self._vocab, w)
            while i < len(self._vocab) and self._vocab[i].startswith(w):
                docs |= self._names.get(self._vocab[i], set())
                i += 1
            result = docs if result is None else result & docs
            if not result:
                return set()
        return result
