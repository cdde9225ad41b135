"""The unit's official letter for a request, as a PDF in the layout of Decree 30/2020/NĐ-CP."""

from govid.backoffice.letter.layout import Letter, LetterLine, LetterUnavailable, render_letter

__all__ = ["Letter", "LetterLine", "LetterUnavailable", "render_letter"]
