"""Deploy/compose.yaml is not run here (no container engine), so it is checked against what is: every
IVR_* variable it sets is one ivrd reads, its paths are the image's (Deploy/Containerfile), the instances
differ where they must, and nginx's upstream (Deploy/nginx/ivr.conf, which test_instances.py runs) lists
exactly the instances' public ports."""
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def compose():
    return yaml.safe_load((ROOT / "Deploy" / "compose.yaml").read_text())


def instances():
    return {name: s for name, s in compose()["services"].items() if s.get("image") == "ivrd"}


def test_compose_sets_only_variables_ivrd_reads_and_paths_of_the_image():
    swift = (ROOT / "Sources" / "IVRApp" / "Config" / "ConfigLoader.swift").read_text()
    keys = swift[swift.index("environmentKeys = ["):]
    known = set(re.findall(r'"(IVR_[A-Z_]+)"', keys[:keys.index("]")]))
    containerfile = (ROOT / "Deploy" / "Containerfile").read_text()
    env = dict(re.findall(r"(IVR_[A-Z_]+)=(\S+)", containerfile))
    assert len(instances()) == 2
    for name, service in instances().items():
        assert set(service["environment"]) <= known, (name, set(service["environment"]) - known)
        assert service["build"]["dockerfile"] == "Deploy/Containerfile"
        mounts = {v.split(":")[1] for v in service["volumes"]}
        assert {env["IVR_FLOWS"], env["IVR_PROMPTS"]} <= mounts, name
        assert "/var/lib/ivrd" in mounts, "the image's working directory (recordings) is a volume"


def test_instances_differ_where_they_must_and_nginx_lists_their_public_ports():
    envs = [s["environment"] for s in instances().values()]
    for key in ("IVR_INSTANCE_ID", "IVR_HTTP_PORT", "IVR_ADMIN_PORT", "IVR_MEDIA_PORTS", "IVR_INTERNAL_URL"):
        assert len({e[key] for e in envs}) == len(envs), key
    ranges = [tuple(map(int, e["IVR_MEDIA_PORTS"].split("-"))) for e in envs]
    for i, (lo, hi) in enumerate(ranges):
        assert all(hi < olo or lo > ohi for j, (olo, ohi) in enumerate(ranges) if j != i), "media port ranges overlap"
    for e in envs:
        assert e["IVR_INTERNAL_URL"] == f"http://127.0.0.1:{e['IVR_HTTP_PORT']}"
        assert e["IVR_DATABASE_URL"].startswith("postgres://")
        assert e["IVR_HTTP_HOST"] == "127.0.0.1", "only nginx reaches the public port"
        healthcheck = instances()[e["IVR_INSTANCE_ID"]]["healthcheck"]["test"]
        assert healthcheck[-1] == f"http://127.0.0.1:{e['IVR_HTTP_PORT']}/healthz"
    conf = (ROOT / "Deploy" / "nginx" / "ivr.conf").read_text()
    upstream = re.findall(r"^\s*server 127\.0\.0\.1:(\d+)", conf, flags=re.M)
    assert sorted(upstream) == sorted(e["IVR_HTTP_PORT"] for e in envs)
    assert compose()["services"]["nginx"]["volumes"] == ["./nginx/ivr.conf:/etc/nginx/nginx.conf:ro"]
