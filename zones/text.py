"""Diacritic folding, so "huu lung" finds "Hữu Lũng" on SQLite and PostgreSQL alike."""

import unicodedata

from django.db.models import Q


def fold(text):
    """Lower-case ASCII form of Vietnamese text: "Đình Lập" -> "dinh lap"."""
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.lower().split())


def search_filter(queryset, query, fields=("search_text",)):
    """Keep rows where every word of the query occurs in one of the folded fields."""
    for word in fold(query).split():
        condition = Q()
        for field in fields:
            condition |= Q(**{f"{field}__contains": word})
        queryset = queryset.filter(condition)
    return queryset


def inline_name(name):
    """A unit's name as written inside a sentence: "Huyện Hữu Lũng" -> "huyện Hữu Lũng"."""
    return name[:1].lower() + name[1:]
