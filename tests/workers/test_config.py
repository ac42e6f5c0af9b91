from stancewire.config import Settings
from workers.app import celery_config, make_celery


def test_reliability_settings_cannot_regress() -> None:
    settings = Settings.load({"redis_url": "redis://127.0.0.1:1/0"}, environ={})
    conf = make_celery(settings).conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.broker_connection_retry_on_startup is True
    assert conf.accept_content == ["json"] and conf.task_serializer == "json"
    assert conf.task_ignore_result is True and not conf.result_backend
    vt = conf.broker_transport_options["visibility_timeout"]
    assert vt == conf.visibility_timeout == settings.visibility_timeout
    assert vt >= 3 * conf.task_time_limit
    assert vt <= 120  # whole-worker loss is recovered within two minutes
    opts = celery_config(settings)["broker_transport_options"]
    assert opts["socket_timeout"] and opts["socket_connect_timeout"] and opts["max_retries"]


def test_settings_precedence() -> None:
    env = {"STANCEWIRE_PORT": "9001", "REDIS_URL": "redis://h:1/0", "STANCEWIRE_API_KEYS": "a:" + "0" * 64}
    s = Settings.load({"port": 9002}, environ=env)
    assert s.port == 9002 and s.redis_url == "redis://h:1/0" and s.api_keys == ("a:" + "0" * 64,)
    assert Settings.load(environ={}).port == 8000
