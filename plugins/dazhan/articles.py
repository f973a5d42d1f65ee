"""The traceability table of the 大安区 document, read from ``articles.toml``."""

from pathlib import Path

from ducha_core.traceability import load_articles

ARTICLES = load_articles(Path(__file__).with_name("articles.toml"))
