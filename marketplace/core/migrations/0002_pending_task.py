"""Tasks that could not reach the broker wait in `core_pendingtask` (marketplace.core.outbox), and
the beat job "core: send tasks that waited for the broker" sends them every minute. Created only
when missing (by name), so staff edits survive."""

from django.db import migrations, models

from marketplace.core.migration_operations import beat_schedules


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0001_initial'),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.CreateModel(
            name='PendingTask',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('task', models.CharField(max_length=200, verbose_name='task')),
                ('args', models.JSONField(default=list, verbose_name='arguments')),
                ('kwargs', models.JSONField(default=dict, verbose_name='keyword arguments')),
                ('options', models.JSONField(default=dict, verbose_name='options')),
                ('digest', models.CharField(max_length=64, unique=True, verbose_name='digest')),
                ('error', models.CharField(blank=True, max_length=300, verbose_name='error')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
            ],
            options={
                'verbose_name': 'task waiting for the broker',
                'verbose_name_plural': 'tasks waiting for the broker',
                'ordering': ['id'],
            },
        ),
        beat_schedules(
            {
                "name": "core: send tasks that waited for the broker",
                "task": "marketplace.core.tasks.send_pending_tasks",
                "every_seconds": 60,
                "description": "Sends the tasks kept in the database while Redis was down.",
            }
        ),
    ]
