"""deploy/*.yaml, offline: validated against the Kubernetes schemas that
kubernetes-validate ships, strictly (unknown fields are errors), and its KEDA
objects against the schemas in tests/data/keda-*.schema.json (derived from
KEDA v2.16.1's CRDs, see their description); a kind with no schema fails.
Then against the project's rules (tests/production/rules.py).
"""
import json
import re

import jsonschema
import kubernetes_validate
import pytest
import yaml
from nameko.rpc import RPC_QUEUE_TEMPLATE

from shared.config import DEFAULTS
from tests.production.rules import (
    AUTOSCALED_SERVICE, GATEWAY_COMMAND, IMAGE_UID, REQUIRED_SETTINGS, ROOT, SECRET_KEYS,
    SECRET_LIKE, SERVICE_SECRET_KEYS, USERINFO, service_command, service_names,
    service_probe_code)

DEPLOY_DIR = ROOT / "deploy"
KUBERNETES_VERSION = "1.29"
# Custom resources in deploy/ and the schema each is validated with; any other
# kind must be one kubernetes-validate knows.
CRD_SCHEMAS = {
    ("keda.sh/v1alpha1", "ScaledObject"): ROOT / "tests" / "data" / "keda-scaledobject.schema.json",
    ("keda.sh/v1alpha1", "TriggerAuthentication"):
        ROOT / "tests" / "data" / "keda-triggerauthentication.schema.json",
}
# Written per process kind, not configured: the gateway listens on every
# interface on the container port; services turn off eventlet's green DNS.
PROCESS_VARIABLES = {"GATEWAY_HOST", "PORT", "EVENTLET_NO_GREENDNS"}
SECRET_NAME = "hongyi-secrets"
CONFIGMAP_NAME = "hongyi-config"


def manifests():
    """(file name, document) for every document under deploy/."""
    found = []
    for path in sorted(DEPLOY_DIR.glob("*.y*ml")):
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if document:
                found.append((path.name, document))
    return found


def resources(kind):
    return {d["metadata"]["name"]: d for _, d in manifests() if d["kind"] == kind}


def only_container(workload):
    containers = workload["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1, workload["metadata"]["name"]
    return containers[0]


def app_deployments():
    return {name: d for name, d in resources("Deployment").items()
            if only_container(d)["image"].startswith("hongyi")}


@pytest.mark.parametrize(
    "file_name,document", manifests(),
    ids=lambda v: v if isinstance(v, str) else "{kind}/{name}".format(
        kind=v["kind"], name=v["metadata"]["name"]))
def test_manifest_is_valid_kubernetes_strictly(file_name, document):
    validate_manifest(document)


def crd_errors(document):
    """Errors of a custom resource against its vendored schema (KeyError: none)."""
    path = CRD_SCHEMAS[(document["apiVersion"], document["kind"])]
    schema = json.loads(path.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    return ["{}: {}".format("/".join(map(str, e.absolute_path)), e.message)
            for e in validator.iter_errors(document)]


def validate_manifest(document):
    """Strict validation; a kind with no schema raises SchemaNotFoundError."""
    if (document["apiVersion"], document["kind"]) in CRD_SCHEMAS:
        assert crd_errors(document) == []
    else:
        kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)


def test_crd_schemas_are_valid_and_name_their_kind():
    for (api_version, kind), path in CRD_SCHEMAS.items():
        schema = json.loads(path.read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator.check_schema(schema)
        assert schema["properties"]["apiVersion"]["const"] == api_version
        assert schema["properties"]["kind"]["const"] == kind
        assert "cloudcoil.models.keda" in schema["description"]


def test_a_kind_without_a_schema_fails_validation():
    scaled = next(d for _, d in manifests() if d["kind"] == "ScaledObject")
    unknown = dict(json.loads(json.dumps(scaled)), kind="ScaledJobs")
    with pytest.raises(kubernetes_validate.utils.SchemaNotFoundError):
        validate_manifest(unknown)


def test_crd_schemas_reject_unknown_and_mistyped_fields():
    scaled = resources("ScaledObject")[AUTOSCALED_SERVICE]
    mistyped = json.loads(json.dumps(scaled))
    mistyped["spec"]["maxReplicaCount"] = "8"
    unknown = json.loads(json.dumps(scaled))
    unknown["spec"]["triggers"][0]["authRef"] = unknown["spec"]["triggers"][0]["authenticationRef"]
    untargeted = json.loads(json.dumps(scaled))
    del untargeted["spec"]["scaleTargetRef"]["name"]
    for document, field in ((mistyped, "maxReplicaCount"), (unknown, "authRef"),
                            (untargeted, "name")):
        errors = crd_errors(document)
        assert any(field in e for e in errors), (field, errors)
    auth = next(iter(resources("TriggerAuthentication").values()))
    misspelt = json.loads(json.dumps(auth))
    misspelt["spec"]["secretTargetRefs"] = misspelt["spec"].pop("secretTargetRef")
    assert any("secretTargetRefs" in e for e in crd_errors(misspelt))


def test_strict_validation_rejects_unknown_and_mistyped_fields():
    deployment = resources("Deployment")["identity"]
    mistyped = json.loads(json.dumps(deployment))
    mistyped["spec"]["replicas"] = "two"
    unknown = json.loads(json.dumps(deployment))
    only_container(unknown)["readinesProbe"] = {}
    for document in (mistyped, unknown):
        with pytest.raises(kubernetes_validate.ValidationError):
            kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)


def test_deploy_has_the_expected_resources_in_one_namespace():
    found = manifests()
    kinds = {(d["kind"], d["metadata"]["name"]) for _, d in found}
    assert {("Namespace", "hongyi"), ("ConfigMap", CONFIGMAP_NAME),
            ("Deployment", "gateway"), ("Service", "gateway"),
            ("StatefulSet", "rabbitmq"), ("Service", "rabbitmq"),
            ("StatefulSet", "mongo"), ("Service", "mongo")} <= kinds
    assert not any(d["kind"] == "Secret" for _, d in found), "secrets are never committed"
    for file_name, document in found:
        if document["kind"] != "Namespace":
            assert document["metadata"].get("namespace") == "hongyi", file_name


def test_every_service_has_a_deployment_that_runs_it():
    deployments = app_deployments()
    for name in service_names():
        assert (DEPLOY_DIR / (name + ".yaml")).exists(), "no deploy/{}.yaml".format(name)
        container = only_container(deployments[name])
        assert container["command"] == service_command(name)
        env = {e["name"]: e for e in container.get("env", [])}
        assert env["EVENTLET_NO_GREENDNS"]["value"] == "yes"
        assert "readinessProbe" in container, name
    # A service package being added may get its Deployment before its service.py.
    assert set(deployments) == {"gateway", *service_names()}


def test_the_rush_service_scales_on_its_rpc_queue_length():
    scaled = resources("ScaledObject")
    assert AUTOSCALED_SERVICE in scaled, "deploy/ does not autoscale " + AUTOSCALED_SERVICE
    for name, scaled_object in scaled.items():
        spec = scaled_object["spec"]
        target = spec["scaleTargetRef"]
        assert (target.get("apiVersion", "apps/v1"), target.get("kind", "Deployment")) == \
            ("apps/v1", "Deployment"), name
        # The target is a service's Deployment, in the same file.
        same_file = {d["metadata"]["name"] for f, d in manifests()
                     if f == target["name"] + ".yaml" and d["kind"] == "Deployment"}
        assert target["name"] in same_file, name
        container = only_container(app_deployments()[target["name"]])
        assert container["command"] == service_command(target["name"]), name
        assert 1 <= spec["minReplicaCount"] < spec["maxReplicaCount"], name
        assert spec["pollingInterval"] <= 10, name
        assert spec["cooldownPeriod"] > 0, name
        (trigger,) = spec["triggers"]
        assert trigger["type"] == "rabbitmq", name
        metadata = trigger["metadata"]
        # nameko's own name for the service's RPC queue.
        assert metadata["queueName"] == RPC_QUEUE_TEMPLATE.format(target["name"]), name
        assert metadata["mode"] == "QueueLength", name
        assert int(metadata["value"]) > 0, name
        assert metadata.get("protocol", "amqp") == "amqp", name
        assert "host" not in metadata and "hostFromEnv" not in metadata, name
    assert resources("ScaledObject")[AUTOSCALED_SERVICE]["spec"]["scaleTargetRef"]["name"] == \
        AUTOSCALED_SERVICE


def test_the_broker_uri_for_keda_comes_from_the_secret():
    authentications = resources("TriggerAuthentication")
    readme = (DEPLOY_DIR / "README.md").read_text(encoding="utf-8")
    for name, scaled_object in resources("ScaledObject").items():
        ref = scaled_object["spec"]["triggers"][0]["authenticationRef"]
        assert ref.get("kind", "TriggerAuthentication") == "TriggerAuthentication", name
        spec = authentications[ref["name"]]["spec"]
        assert set(spec) == {"secretTargetRef"}, name
        (target,) = spec["secretTargetRef"]
        assert target["parameter"] == "host", name
        assert target["name"] == SECRET_NAME, name
        # deploy/README.md tells how the Secret gets the key.
        assert "--from-literal={}=".format(target["key"]) in readme, target["key"]
        assert "rabbitmq.hongyi.svc:5672" in readme


def test_only_autoscaled_deployments_leave_replicas_to_the_autoscaler():
    targets = {d["spec"]["scaleTargetRef"]["name"] for d in resources("ScaledObject").values()}
    for name, deployment in app_deployments().items():
        if name in targets:
            # `kubectl apply` would reset the autoscaler's count to this number.
            assert "replicas" not in deployment["spec"], name
        else:
            assert deployment["spec"]["replicas"] >= 2, name


def test_gateway_deployment_serves_port_8000_behind_service_port_80():
    container = only_container(app_deployments()["gateway"])
    assert container["command"] == GATEWAY_COMMAND
    ports = {p.get("name"): p["containerPort"] for p in container["ports"]}
    assert 8000 in ports.values()
    env = {e["name"]: e for e in container["env"]}
    assert env["PORT"]["value"] == "8000"
    assert env["GATEWAY_HOST"]["value"] == "0.0.0.0"
    probe = container["readinessProbe"]["httpGet"]
    assert probe["path"] == "/health"
    assert ports.get(probe["port"], probe["port"]) == 8000
    service_port = resources("Service")["gateway"]["spec"]["ports"][0]
    assert service_port["port"] == 80
    assert ports.get(service_port["targetPort"], service_port["targetPort"]) == 8000


def test_app_settings_come_from_the_configmap_and_the_secret():
    configmap = resources("ConfigMap")[CONFIGMAP_NAME]["data"]
    assert not [k for k in configmap if SECRET_LIKE.search(k)]
    # No value carries a password either (DEPARTMENT_AMQP_URL is an address only).
    assert not [k for k, v in configmap.items() if USERINFO.search(v)]
    # feeds refuses private, loopback and link-local webhook targets (the
    # cluster's pods, the node) unless the operator names a network.
    assert configmap.get("WEBHOOK_ALLOWED_NETWORKS", "") == ""
    assert not set(configmap) - set(DEFAULTS)
    assert "replicaSet=rs0" in configmap["MONGO_URI"]
    # An acknowledged write survives the primary failing (shared/mongo.py).
    assert "w=majority" in configmap["MONGO_URI"]
    for name, deployment in app_deployments().items():
        container = only_container(deployment)
        assert {"configMapRef": {"name": CONFIGMAP_NAME}} in container["envFrom"], name
        env = {e["name"]: e for e in container.get("env", [])}
        for key in SECRET_KEYS:
            ref = env[key]["valueFrom"]["secretKeyRef"]
            assert ref == {"name": SECRET_NAME, "key": key}, (name, key)
        literals = {k for k, e in env.items() if "value" in e}
        assert literals <= {"AMQP_URI"} | PROCESS_VARIABLES, (name, literals)
        # The broker password is only referenced, never written down.
        assert USERINFO.search(env["AMQP_URI"]["value"]).group(1) == "$(RABBITMQ_PASSWORD)"
        settings = set(configmap) | set(env)
        assert REQUIRED_SETTINGS <= settings, (name, REQUIRED_SETTINGS - settings)


def test_a_service_secret_comes_from_the_secret_to_its_service_only():
    readme = (DEPLOY_DIR / "README.md").read_text(encoding="utf-8")
    for name, deployment in app_deployments().items():
        env = {e["name"]: e for e in only_container(deployment).get("env", [])}
        for service, keys in SERVICE_SECRET_KEYS.items():
            for key in keys:
                if name == service:
                    ref = env[key]["valueFrom"]["secretKeyRef"]
                    assert ref == {"name": SECRET_NAME, "key": key}, (name, key)
                else:
                    assert key not in env, (name, key)
    for key in set().union(*SERVICE_SECRET_KEYS.values()):
        # deploy/README.md tells how the Secret gets the key.
        assert "--from-literal={}=".format(key) in readme, key


def test_app_pods_run_as_the_image_user_with_resources():
    for name, deployment in app_deployments().items():
        pod = deployment["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        assert pod["securityContext"]["runAsUser"] == IMAGE_UID, name
        resources_ = only_container(deployment)["resources"]
        assert resources_["requests"]["cpu"] and resources_["requests"]["memory"], name
        assert resources_["limits"]["memory"], name


def test_service_readiness_probe_is_the_tested_compose_healthcheck():
    for name in service_names():
        probe = only_container(app_deployments()[name])["readinessProbe"]
        assert probe["exec"]["command"] == ["python", "-c", service_probe_code()]


def test_stateful_parts_have_headless_services_volumes_and_replica_set():
    services = resources("Service")
    for name, statefulset in resources("StatefulSet").items():
        spec = statefulset["spec"]
        assert services[spec["serviceName"]]["spec"]["clusterIP"] == "None", name
        assert spec["volumeClaimTemplates"], name
    mongo = only_container(resources("StatefulSet")["mongo"])
    assert mongo["image"] == "mongo:7"
    assert mongo["args"][:2] == ["--replSet", "rs0"]
    assert only_container(resources("StatefulSet")["rabbitmq"])["image"] == \
        "rabbitmq:3.13-management"
    init = " ".join(only_container(resources("Job")["mongo-init-replica-set"])["command"])
    assert "rs.initiate" in init and '"rs0"' in init
    member = re.search(r'host: "([^"]+)"', init).group(1)
    configmap = resources("ConfigMap")[CONFIGMAP_NAME]["data"]
    assert "//{}/".format(member) in configmap["MONGO_URI"]
