"""Client commands of ``registry`` that talk to a running registry over HTTP (``registry scrub``,
``registry lists import``). They need the ``cli`` extra (httpx, tqdm); the Lambda functions never
import this package (tests/cli/test_import_graph.py checks it), so its dependencies stay out of them."""
