"""What the LLM is told: our instructions, the comment, and a correction."""

import json

from waywo.services.extract.schema import EXTRACTION_SCHEMA

INSTRUCTIONS = """\
You catalogue the projects that people describe in the comments of Hacker News' \
monthly thread "Ask HN: What are you working on?".

Read the comment and write one entry for every project it describes:
- title: the project's name, or a plain name for it when it has none.
- short_description: 5 to 10 words saying what it is.
- description: 1 to 3 sentences in your own words, not quoted from the comment, \
saying what it does and for whom.
- hashtags: 3 to 5 lowercase topic tags without '#', such as "rust", \
"self-hosted" or "education".
- urls: the comment's links that belong to this project. Never make one up.
- idea_score: 1 to 10, how original and useful the idea is.
- complexity_score: 1 to 10, how hard it is to build.
- is_valid_project: true, and invalid_reason: null.

When the comment describes no project (a personal goal such as learning to cook, \
a job search, a question, a reply to someone, a deleted or empty comment), write \
exactly one entry with is_valid_project false, invalid_reason saying why in one \
sentence, null for the other text fields and scores, and empty lists.

Answer with JSON only, following this JSON schema:
"""

SYSTEM_PROMPT = INSTRUCTIONS + json.dumps(EXTRACTION_SCHEMA, separators=(",", ":"))


def build_messages(
    thread_title: str, author: str | None, text: str
) -> list[dict[str, str]]:
    """Return the chat messages that ask for one comment's projects."""
    comment = (
        f"Thread: {thread_title}\nAuthor: {author or 'unknown'}\n"
        f"<comment>\n{text}\n</comment>"
    )
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": comment},
    ]


def correction(answer: str, problem: str) -> list[dict[str, str]]:
    """Return the messages that show the LLM its unusable answer and ask again."""
    return [
        {"role": "assistant", "content": answer},
        {
            "role": "user",
            "content": f"That answer cannot be used: {problem}. Answer again with "
            "JSON only, following the schema.",
        },
    ]
