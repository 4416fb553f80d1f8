"""One page renderer (Jinja) for every service's HTML pages.

A service keeps its templates in its own ``templates/`` directory; the kernel's ``templates/`` add the shared
gov.br layout (``govbr.html``: header, test-environment strip, card, buttons) that they can extend. Autoescape
is on for every ``.html`` template, so no page hand-escapes values.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape

KERNEL_TEMPLATES = Path(__file__).parent / "templates"


class PageRenderer(Jinja2Templates):
    """Starlette's ``Jinja2Templates`` (``TemplateResponse``) over the service's and the kernel's templates,
    plus ``render`` for code that builds the response itself."""

    def __init__(self, directory: Path) -> None:
        env = Environment(
            loader=ChoiceLoader([FileSystemLoader(directory), FileSystemLoader(KERNEL_TEMPLATES)]),
            autoescape=select_autoescape(["html"]),
        )
        super().__init__(env=env)

    def render(self, name: str, **context: Any) -> str:
        return self.env.get_template(name).render(**context)
