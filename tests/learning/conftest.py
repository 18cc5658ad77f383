"""Fixtures for the learning tests: sign-in without the login form, answers, query counting."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from portal.content.model import ContentIndex, LearningPath, Quiz
from portal.content_runtime import current_content


@pytest.fixture
def content(app: Flask) -> ContentIndex:
    return current_content()


@pytest.fixture
def basics(content: ContentIndex) -> LearningPath:
    return content.paths["basics"]


def answers_for(quiz: Quiz, plan: list[dict[str, Any]], right: bool = True) -> dict[str, list[str]]:
    """Form data answering every planned question, all right or all wrong."""
    data: dict[str, list[str]] = {}
    for item in plan:
        question = quiz.question(item["id"])
        assert question is not None
        if right:
            keys = sorted(question.correct_keys)
        else:
            keys = [next(c.key for c in question.choices if not c.correct)]
        data[f"q-{question.id}"] = keys
    return data
