"""Small shared test data: a three-action declaration signed by Guatemala and Mexico, and a lookup."""

from __future__ import annotations

from declarations.models import Declaration
from reporting.models import Implementation

SMALL = """SMALL DECLARATION OF TESTING

Guatemala City, 14 June 2019

The Vice-Ministers of Guatemala and Mexico agreed:

1. First action.
2. Second action.
3. Third action, addressed to the Conference as a whole.
"""


def implementation(declaration: Declaration, number: int, iso3: str) -> Implementation:
    return Implementation.objects.get(
        commitment__declaration=declaration, commitment__number=number, country__iso3=iso3
    )
