"""Narratives rendered once: the sanitised HTML of each text, stored by its hash."""
