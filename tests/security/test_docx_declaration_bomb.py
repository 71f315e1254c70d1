"""Finding 2, second half: a 175 KB Word declaration that python-docx would build into a 925 MB tree.

lxml allocates outside Python's heap, where tracemalloc does not look: the memory bound is checked on
the resident size of a fresh interpreter that reads the file, the time bound on the upload itself.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from declarations.parser.files import MAX_DOCX_ELEMENTS, MAX_DOCX_TEXT_PIECES
from tests.declarations.parsing.bombs import element_bomb
from tests.security.conftest import MAX_PEAK_BYTES, bounded

pytestmark = pytest.mark.django_db

AS_FOUND = 8_000_000  # `<w:p/>` repeated: 48 MB of XML, five times that in elements once built
BOMBS = {
    "as-found": (AS_FOUND, b"<w:p/>"),
    "under-the-xml-cap": (1_500_000, b"<w:p/>"),
    "paragraphs": (MAX_DOCX_TEXT_PIECES + 1, b"<w:p/>"),
    "no-text-elements": (MAX_DOCX_ELEMENTS, b'<w:bookmarkEnd w:id="1"/>'),
}

READ_AND_MEASURE = """
import resource, sys
from declarations.parser import ParseError
from declarations.parser.files import read_declaration
import docx  # loaded by a running worker already: measure the file, not the import
data = sys.stdin.buffer.read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    read_declaration(data, "bomb.docx")
    outcome = "read"
except ParseError as error:
    outcome = error.code
print(outcome, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024)
"""


@pytest.mark.parametrize("name", BOMBS)
def test_a_word_bomb_is_refused_by_the_upload_within_bounds(login_as, name):
    count, element = BOMBS[name]
    bomb = element_bomb(count, element)
    assert len(bomb) < 200_000
    client = login_as("secretariat")
    upload = reverse("declarations:declaration-upload")
    client.get(upload)
    with bounded() as cost:
        response = client.post(upload, {"file": SimpleUploadedFile("declaration.docx", bomb)})
    assert response.status_code == 400
    assert "“declaration.docx” cannot be loaded: the Word document" in response.content.decode()
    cost.assert_bounded()


@pytest.mark.parametrize("name", BOMBS)
def test_reading_a_word_bomb_keeps_the_native_memory_bounded(name):
    count, element = BOMBS[name]
    result = subprocess.run(
        [sys.executable, "-c", READ_AND_MEASURE],
        input=element_bomb(count, element),
        capture_output=True,
        timeout=60,
        check=True,
    )
    outcome, grown = result.stdout.decode().split()
    assert outcome in {"docx_too_large", "docx_too_complex"}
    assert int(grown) < MAX_PEAK_BYTES
