"""Answers to questions over the reports: candidates, scorer, rendering, Annex A records."""

from service.answers.answerer import Answer, Answerer, AnswerSpan

__all__ = ["Answer", "AnswerSpan", "Answerer"]
