"""Plain text from HN's comment HTML, for the LLM and for keyword search."""

import re

from bs4 import BeautifulSoup, NavigableString, Tag

BLANK_LINES = re.compile(r"\n{3,}")


def html_to_text(html: str | None) -> str:
    """Return the comment as plain text: entities decoded, paragraphs kept, links
    written as their URLs (with the link text too when it says something else).
    """
    if not html:
        return ""
    soup = BeautifulSoup(html, "html.parser")

    for link in soup.find_all("a"):
        link.replace_with(_link_as_text(link))
    for block in soup.find_all(["p", "pre"]):
        block.insert_before("\n\n")
    for block in soup.find_all("pre"):
        block.insert_after("\n\n")
    for line_break in soup.find_all("br"):
        line_break.replace_with("\n")

    text = soup.get_text()
    lines = (line.rstrip() for line in text.splitlines())
    return BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def embedding_text(
    title: str | None, description: str | None, hashtags: list[str]
) -> str:
    """Return what is embedded for a project: title, description and hashtags."""
    tags = " ".join(f"#{tag}" for tag in hashtags)
    return f"{title}. {description} {tags}".strip()


def comment_links(html: str | None) -> list[str]:
    """Return the URLs a comment links to, in order, each once."""
    if not html:
        return []
    soup = BeautifulSoup(html, "html.parser")
    hrefs = (str(link.get("href") or "") for link in soup.find_all("a"))
    return list(dict.fromkeys(href for href in hrefs if href.startswith("http")))


def _link_as_text(link: Tag) -> NavigableString:
    """HN shortens long link texts with '...'; the href is the whole URL."""
    href = str(link.get("href") or "")
    label = link.get_text().strip()
    if not href:
        return NavigableString(label)
    if not label or href.startswith(label.rstrip(".").rstrip("…")):
        return NavigableString(href)
    return NavigableString(f"{label} ({href})")
