"""Certificates and their number series move from regions to offices.

Each certificate issued so far belongs to the office that serves its region now (made
from the staff's regions, curation 0009). Its printed text is left as it is: it was issued
in its region's name, and says so (`Certificate.issuer_name`).

Each office numbers on from its own series: that of its code, which for an office made from
the regions is its home region's code. So its counter for a year starts at the highest
serial printed as SKE/<code>/<year>/..., which is the home region's counter; the series of
the other regions a hub took over end (their numbers stay valid, never given again).
"""

from django.db import migrations
from django.db.models import Max, OuterRef, Subquery


def counters_to_offices(apps, schema_editor):
    Certificate = apps.get_model("certificates", "Certificate")
    CertificateCounter = apps.get_model("certificates", "CertificateCounter")
    Office = apps.get_model("offices", "Office")
    ServedRegion = apps.get_model("offices", "ServedRegion")

    serving = ServedRegion.objects.filter(region_id=OuterRef("region_id")).values("office_id")
    Certificate.objects.update(office_id=Subquery(serving[:1]))

    years = set(CertificateCounter.objects.values_list("year", flat=True))
    years |= set(Certificate.objects.values_list("year", flat=True))
    region_counters = {
        (code, year): last
        for code, year, last in CertificateCounter.objects.values_list(
            "region__code", "year", "last_serial"
        )
    }
    for office in Office.objects.all():
        for year in sorted(years):
            printed = Certificate.objects.filter(
                number__startswith=f"SKE/{office.code}/{year}/"
            ).aggregate(n=Max("serial"))["n"]
            last = max(printed or 0, region_counters.get((office.code, year), 0))
            if last:
                CertificateCounter.objects.create(office=office, year=year, last_serial=last)
    CertificateCounter.objects.filter(office__isnull=True).delete()
    CertificateCounter.objects.update(region=None)


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0004_certificate_office"),
        ("curation", "0009_offices_from_staff_regions"),
    ]

    operations = [migrations.RunPython(counters_to_offices, migrations.RunPython.noop)]
