"""Diacritic folding, so "huu lung" finds "Hữu Lũng" on SQLite and PostgreSQL alike."""

import unicodedata


def fold(text):
    """Lower-case ASCII form of Vietnamese text: "Đình Lập" -> "dinh lap"."""
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.lower().split())


def search_filter(queryset, query, field="search_text"):
    """Keep rows whose folded text contains every word of the query."""
    for word in fold(query).split():
        queryset = queryset.filter(**{f"{field}__contains": word})
    return queryset
