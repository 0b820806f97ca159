"""Entry point: ``flask --app app run`` or ``python app.py``."""

from knowledgebase import create_app
from knowledgebase.security import RequestHandler

app = create_app()

if __name__ == "__main__":
    app.run(request_handler=RequestHandler)
