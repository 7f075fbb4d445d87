"""Evaluation harness: questions, qrels, systems, metrics, report and quality gate."""
