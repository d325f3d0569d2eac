"""What schemathesis sends as an uploaded file (loaded by .ci/schemathesis.sh through `hooks` in schemathesis.toml).

The API decides a file's type from its bytes (server/documents/file-type.ts): a schema cannot say which bytes make
a PDF. Left alone, schemathesis would send random bytes, GIFs and ZIPs as "valid" files and count the 415 they get
as a failure. So every generated upload is a small file of an allowed type, whose name's extension matches it; the
415 answers to files of other types are tested in test/api/ (bad-input, documents).
"""

from base64 import b64decode

from hypothesis import strategies as st

import schemathesis
from schemathesis.transport.serialization import Binary

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
PNG = b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==")
JPEG = b64decode(
    "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAFA3PEY8MlBGQUZaVVBfeMiCeG5uePWvuZHI////////////////////////////////////////"
    "////////////wAALCAABAAEBAREA/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQR"
    "BRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4"
    "eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/9oACAEB"
    "AAA/AKVf/9k="
)

# Each has a signature schemathesis names the part after (`file.pdf`, `file.png`, `file.jpg`), so the name's
# extension agrees with the content; a text file would go as `file`, which has no extension to agree with.
files = st.sampled_from([PDF, PNG, JPEG]).map(Binary)

# Every phase draws a `format: binary` property from this.
schemathesis.openapi.format("binary", files)
