"""The 11 Member Countries arrive with `migrate`, so a fresh database can load declarations at once.

A snapshot of fixtures/member_countries.json as it was when written (a migration must give the same
result forever); `loaddata member_countries` still refreshes names and aliases from the fixture. A
country that already exists (by ISO3) is left as it is; the primary keys are the fixture's, so the
fixture keeps matching, and PostgreSQL's id sequence is moved past them.
"""

from django.core.management.color import no_style
from django.db import migrations

COUNTRIES = [
    (1, "BLZ", "BZ", "Belize", "Belice", ["Belize", "Belice"]),
    (2, "CAN", "CA", "Canada", "Canadá", ["Canada", "Canadá"]),
    (3, "CRI", "CR", "Costa Rica", "Costa Rica", ["Costa Rica", "Republic of Costa Rica", "República de Costa Rica"]),
    (
        4,
        "DOM",
        "DO",
        "Dominican Republic",
        "República Dominicana",
        ["Dominican Republic", "the Dominican Republic", "República Dominicana", "la República Dominicana"],
    ),
    (
        5,
        "SLV",
        "SV",
        "El Salvador",
        "El Salvador",
        ["El Salvador", "Republic of El Salvador", "República de El Salvador"],
    ),
    (6, "GTM", "GT", "Guatemala", "Guatemala", ["Guatemala", "Republic of Guatemala", "República de Guatemala"]),
    (7, "HND", "HN", "Honduras", "Honduras", ["Honduras", "Republic of Honduras", "República de Honduras"]),
    (
        8,
        "MEX",
        "MX",
        "Mexico",
        "México",
        ["Mexico", "México", "Méjico", "United Mexican States", "Estados Unidos Mexicanos"],
    ),
    (9, "NIC", "NI", "Nicaragua", "Nicaragua", ["Nicaragua", "Republic of Nicaragua", "República de Nicaragua"]),
    (10, "PAN", "PA", "Panama", "Panamá", ["Panama", "Panamá", "Republic of Panama", "República de Panamá"]),
    (
        11,
        "USA",
        "US",
        "United States",
        "Estados Unidos",
        [
            "United States",
            "the United States",
            "United States of America",
            "the United States of America",
            "USA",
            "U.S.A.",
            "U.S.",
            "Estados Unidos",
            "los Estados Unidos",
            "Estados Unidos de América",
            "Estados Unidos de Norteamérica",
            "EE.UU.",
            "EE. UU.",
            "EEUU",
        ],
    ),
]


def add_member_countries(apps, schema_editor):
    country = apps.get_model("declarations", "MemberCountry")
    existing = set(country.objects.values_list("iso3", flat=True))
    taken = set(country.objects.values_list("pk", flat=True))
    for pk, iso3, iso2, name_en, name_es, aliases in COUNTRIES:
        if iso3 in existing:
            continue
        country.objects.create(
            pk=None if pk in taken else pk, iso3=iso3, iso2=iso2, name_en=name_en, name_es=name_es, aliases=aliases
        )
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [country]):
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("declarations", "0003_translations")]

    operations = [migrations.RunPython(add_member_countries, migrations.RunPython.noop)]
