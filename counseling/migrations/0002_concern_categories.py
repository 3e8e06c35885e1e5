from django.db import migrations

DEFAULTS = [
    ("study", "学业", "Study", False),
    ("relationships", "人际关系", "Relationships", False),
    ("family", "家庭", "Family", False),
    ("emotions", "情绪", "Emotions", False),
    ("adjustment", "适应", "Adjustment", False),
    ("self_harm", "自伤风险", "Self-harm risk", True),
    ("other", "其他", "Other", False),
]


def create_defaults(apps, schema_editor):
    ConcernCategory = apps.get_model("counseling", "ConcernCategory")
    for order, (code, zh, en, risk) in enumerate(DEFAULTS, start=1):
        ConcernCategory.objects.get_or_create(
            code=code, defaults={"name_zh": zh, "name_en": en, "signals_risk": risk, "order": order * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("counseling", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
