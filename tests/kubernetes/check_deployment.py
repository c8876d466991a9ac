#!/usr/bin/python3
"""Checks that deploy/kubernetes/ agrees with psyscore and its image, which
no schema knows: the grace period covers the preStop sleep and psyscore's
drain, the probes ask /readyz and /healthz on the image's port, --threads is
the CPU limit, the API key file is the Secret's mounted file, the root file
system is read-only with /tmp in memory, the user is the image's, the
selectors of the Service, autoscaler, disruption budget and network policy
all find the pods, and the image tag is the project's version.
Usage: check_deployment.py SOURCE_DIR
"""
import pathlib
import re
import sys

import yaml

source = pathlib.Path(sys.argv[1])
objects = {}
for path in sorted((source / "deploy" / "kubernetes").glob("*.yaml")):
    for document in yaml.safe_load_all(path.read_text()):  # YAML 1.1, as Kubernetes reads it
        if document:
            objects[document["kind"]] = document
containerfile = (source / "deploy" / "image" / "Containerfile").read_text()
version = re.search(r"project\(psyscore\s+VERSION\s+(\S+)", (source / "CMakeLists.txt").read_text()).group(1)
image_port = int(re.search(r"^EXPOSE (\d+)/tcp$", containerfile, re.M).group(1))
image_user = re.search(r"^USER (\d+):(\d+)$", containerfile, re.M)

deployment = objects["Deployment"]
pod = deployment["spec"]["template"]["spec"]
pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
(container,) = pod["containers"]
arguments = container["args"]
flags = {arguments[i]: arguments[i + 1] for i in range(0, len(arguments) - 1, 2) if arguments[i].startswith("--")}
ports = {port["name"]: port["containerPort"] for port in container["ports"]}
mounts = {mount["mountPath"]: mount for mount in container["volumeMounts"]}
volumes = {volume["name"]: volume for volume in pod["volumes"]}

failures = []


def check(name, ok, detail=""):
    if not ok:
        failures.append(f"{name}: {detail}")


def selects(selector):
    return selector and all(pod_labels.get(key) == value for key, value in selector.items())


# Stopping: the preStop sleep, then SIGTERM and the drain, all before SIGKILL.
sleep = container["lifecycle"]["preStop"]["sleep"]["seconds"]
drain = int(flags.get("--drain-timeout-ms", "30000")) / 1000
grace = pod["terminationGracePeriodSeconds"]
check("grace period", grace >= sleep + drain + 5,
      f"terminationGracePeriodSeconds {grace} < preStop {sleep} s + drain {drain} s + 5 s")
check("preStop", sleep >= 2, f"a {sleep} s sleep leaves no time for the endpoint removal to spread")

# Probes and ports.
check("port", ports.get("http") == image_port, f"containerPort http {ports.get('http')}, the image exposes {image_port}")
check("readiness probe", container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"},
      container["readinessProbe"]["httpGet"])
check("liveness probe", container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"},
      container["livenessProbe"]["httpGet"])
check("no --port or --host", "--port" not in flags and "--host" not in flags,
      "the image's entrypoint sets them; CLI11 refuses an option twice")

# Resources: threads follow the CPU limit; the autoscaler needs a CPU request.
resources = container["resources"]
check("--threads", flags.get("--threads") == str(resources["limits"]["cpu"]),
      f"--threads {flags.get('--threads')}, CPU limit {resources['limits']['cpu']}")
check("CPU request", "cpu" in resources["requests"], "the autoscaler's utilization is relative to it")
check("memory limit", "memory" in resources["limits"], "a backstop, as the systemd unit's MemoryMax")

# API keys: the file psyscore reads is the Secret's, mounted read-only.
key_file = pathlib.PurePosixPath(flags.get("--api-key-file", ""))
mount = mounts.get(str(key_file.parent), {})
secret = volumes.get(mount.get("name"), {}).get("secret", {})
check("API key file", secret and mount.get("readOnly") is True and
      any(item["path"] == key_file.name for item in secret.get("items", [])),
      f"--api-key-file {key_file} is not a file of a read-only Secret mount")
check("API key file mode", secret.get("defaultMode") == 0o440, f"defaultMode {secret.get('defaultMode')}, not 0440")

# The sandbox.
security = pod["securityContext"]
container_security = container["securityContext"]
check("non-root", security.get("runAsNonRoot") is True, security)
check("the image's user", image_user and security.get("runAsUser") == int(image_user.group(1)) and
      security.get("runAsGroup") == int(image_user.group(2)) and security.get("fsGroup") == int(image_user.group(2)),
      f"runAsUser/runAsGroup/fsGroup against the image's USER {image_user and image_user.group(0)}")
check("read-only root", container_security.get("readOnlyRootFilesystem") is True, container_security)
check("no privilege escalation", container_security.get("allowPrivilegeEscalation") is False, container_security)
check("no capabilities", container_security.get("capabilities", {}).get("drop") == ["ALL"], container_security)
tmp = volumes.get(mounts.get("/tmp", {}).get("name"), {}).get("emptyDir", {})
check("/tmp", tmp.get("medium") == "Memory", "the Excel output needs a writable /tmp, in memory")
check("service account token", pod.get("automountServiceAccountToken") is False, "psyscore never calls the API")

# The other objects find the pods.
service = objects["Service"]["spec"]
check("Service selector", selects(service["selector"]), service["selector"])
check("Service target", [port["targetPort"] for port in service["ports"]] == ["http"], service["ports"])
hpa = objects["HorizontalPodAutoscaler"]["spec"]
check("autoscaler target", hpa["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment",
                                                     "name": deployment["metadata"]["name"]}, hpa["scaleTargetRef"])
check("autoscaler minimum", hpa["minReplicas"] >= 2 and deployment["spec"]["replicas"] == hpa["minReplicas"],
      "at least two pods, the Deployment's replicas the autoscaler's minimum")
pdb = objects["PodDisruptionBudget"]["spec"]
check("disruption budget", selects(pdb["selector"]["matchLabels"]) and pdb.get("maxUnavailable") == 1, pdb)
policy = objects["NetworkPolicy"]["spec"]
check("network policy", selects(policy["podSelector"]["matchLabels"]) and policy["egress"] == [], policy)
check("selector", deployment["spec"]["selector"]["matchLabels"] == pod_labels, deployment["spec"]["selector"])

check("image tag", container["image"].endswith(f"/psyscore:{version}"),
      f"{container['image']}, the project is version {version}")

for failure in failures:
    print(f"deploy/kubernetes: {failure}")
print(f"{len(failures)} of the deployment's checks failed" if failures else "deploy/kubernetes agrees with psyscore")
sys.exit(1 if failures else 0)
