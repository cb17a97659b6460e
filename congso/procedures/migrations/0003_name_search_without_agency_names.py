"""Agency names moved out of Procedure.name_search (they are matched at query time)."""

from django.db import migrations

from congso.core.text import fold


def recompute(apps, schema_editor):
    Procedure = apps.get_model("procedures", "Procedure")
    changed = []
    for procedure in Procedure.objects.select_related("field").iterator():
        text = fold(" ".join([procedure.code, procedure.name, procedure.field.name]))
        if procedure.name_search != text:
            procedure.name_search = text
            changed.append(procedure)
    Procedure.objects.bulk_update(changed, ["name_search"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("procedures", "0002_procedure_name_sort")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
