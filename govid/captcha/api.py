"""The proof of work: the form field and whether a step wants one.

Other concerns import from here, never from the modules behind it (`make lint`
checks it); what crosses is functions, values and signals, never a model.
"""

from __future__ import annotations

from govid.captcha.fields import CaptchaField
from govid.captcha.pow import wanted

__all__ = ["CaptchaField", "wanted"]
