"""Where the page's templates and static files live: package data of ``service``."""

import jinja2
from fastapi.templating import Jinja2Templates

TEMPLATES = Jinja2Templates(
    env=jinja2.Environment(
        loader=jinja2.PackageLoader("service", "templates"),
        autoescape=jinja2.select_autoescape(),
    )
)
STATIC_PACKAGE = ("service", "static")
