#!/usr/bin/python3
"""The container image of deploy/image/, run as a container runtime runs it.

Reads the OCI archive (index, manifest, config, every blob's digest), checks
the config (a numeric non-root user, the exposed port, the health check, an
entrypoint that serves on 0.0.0.0 at that port, SIGTERM) and the layer (root
owns every file, nothing is setuid or writable but /tmp, no shell), unpacks
it, and runs the entrypoint with the Deployment's arguments
(deploy/kubernetes/deployment.yaml) from the unpacked root, read-only, as the
image's user, with /tmp and the API key file on tmpfs as Kubernetes mounts
them. Every example of examples/ and every SPSS, Stata and SAS file of
tests/data/formats/ is sent to it and to HOST_BINARY serving the same way on
the host, and the answers must be the same bytes. Then the image's health
check runs inside it, SIGTERM must end it with 0, and the health check must
then fail.

Usage: check_image.py ARCHIVE HOST_BINARY SOURCE_DIR WORK_DIR
Needs root (chroot, mounts, a network namespace of its own, where port 8080
is free whatever the host runs); exits 77, skipped, otherwise.
"""
import hashlib
import http.client
import io
import json
import os
import pathlib
import re
import select
import shutil
import signal
import subprocess
import sys
import tarfile
import time

import yaml

SKIPPED = 77
INSIDE = "PSYSCORE_IMAGE_TEST_NAMESPACES"
# The instrument each example is scored with; a new example needs a line here.
EXAMPLES = {
    "balint-cohort": "mbi-hss",
    "balint-survey": "who-5",
    "balint-survey-items": "balint-attitudes",
    "balint-trial": "mbi-hss",
}
# CSV files that are not one wave to score, and the endpoint they are for.
ANALYSES = {"balint-cohort/waves.csv": "waves?wave_column=wave"}
FORMATS = {
    ".sav": "application/x-spss-sav",
    ".zsav": "application/x-spss-sav",
    ".dta": "application/x-stata-dta",
    ".sas7bdat": "application/x-sas-data",
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

passed = 0
failures = []


def check(name, ok, detail=""):
    global passed
    if ok:
        passed += 1
        print(f"ok: {name}")
    else:
        failures.append(name)
        print(f"FAILED: {name}: {detail}")


def flag(arguments, name):
    """The value after `name` in an argument list, or None."""
    return arguments[arguments.index(name) + 1] if name in arguments[:-1] else None


class Server:
    """A `psyscore serve` process; its port from its `listening on port N` line."""

    def __init__(self, command, log, env=None):
        self.log_path = log
        with open(log, "wb") as stderr:
            self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, env=env)
        line = b""
        deadline = time.monotonic() + 20
        while not line.endswith(b"\n") and time.monotonic() < deadline:
            if select.select([self.process.stdout], [], [], 0.1)[0]:
                byte = os.read(self.process.stdout.fileno(), 1)  # unbuffered: select sees what is left
                if not byte:
                    break
                line += byte
        found = re.fullmatch(rb"listening on port (\d+)\n", line)
        self.port = int(found.group(1)) if found else None

    def log(self):
        return pathlib.Path(self.log_path).read_text(errors="replace")

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def exchange(port, method, target, body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, target, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type"), response.read()
    except OSError as error:
        return None, None, str(error).encode()
    finally:
        connection.close()


def read_archive(archive, layout):
    """The manifest, config and layers of the one image in an OCI archive."""
    with tarfile.open(archive) as tar:
        tar.extractall(layout)

    def blob(descriptor):
        algorithm, digest = descriptor["digest"].split(":", 1)
        data = (layout / "blobs" / algorithm / digest).read_bytes()
        check(f"blob {descriptor['digest'][:19]} matches its digest and size",
              hashlib.new(algorithm, data).hexdigest() == digest and len(data) == descriptor["size"])
        return data

    index = json.loads((layout / "index.json").read_text())
    check("the archive holds one image", len(index["manifests"]) == 1, index)
    manifest = json.loads(blob(index["manifests"][0]))
    image = json.loads(blob(manifest["config"]))
    layers = [(layer, blob(layer)) for layer in manifest["layers"]]
    return index["manifests"][0], image, layers


def check_config(config, ref_name, version):
    check("the image is named psyscore:VERSION", ref_name.endswith(f"/psyscore:{version}"), ref_name)
    user = config.get("User", "")
    ids = user.split(":")
    check("it runs as a numeric, non-root user and group",
          len(ids) == 2 and all(i.isdigit() and int(i) != 0 for i in ids), repr(user))
    check("it exposes one TCP port", len(config.get("ExposedPorts", {})) == 1, config.get("ExposedPorts"))
    port = next(iter(config.get("ExposedPorts", {"?/tcp": {}}))).split("/")[0]
    entrypoint = config.get("Entrypoint") or []
    check("the entrypoint is psyscore serve", entrypoint[:1] == ["/usr/local/bin/psyscore"] and "serve" in entrypoint,
          entrypoint)
    check("it serves on every interface at the exposed port",
          flag(entrypoint, "--host") == "0.0.0.0" and flag(entrypoint, "--port") == port, entrypoint)
    check("CMD holds flags only, which a deployment's args replace",
          all(isinstance(a, str) for a in config.get("Cmd") or []) and (config.get("Cmd") or ["--"])[0].startswith("--"),
          config.get("Cmd"))
    test = (config.get("Healthcheck") or {}).get("Test") or []
    check("the health check is psyscore healthcheck at the exposed port",
          test[:3] == ["CMD", "/usr/local/bin/psyscore", "healthcheck"] and flag(test, "--port") == port, test)
    check("SIGTERM stops it (psyscore drains)", config.get("StopSignal") == "SIGTERM", config.get("StopSignal"))
    return [int(i) for i in ids], int(port), entrypoint, test[1:]


def check_layers(layers, rootfs, source, uid):
    names, problems = set(), []
    for descriptor, data in layers:
        mode = "r:gz" if descriptor["mediaType"].endswith("gzip") else "r:"
        with tarfile.open(fileobj=io.BytesIO(data), mode=mode) as tar:
            for member in tar.getmembers():
                name = "/" + member.name.lstrip("./").rstrip("/")
                names.add(name)
                if member.uid != 0 or member.gid != 0:
                    problems.append(f"{name} belongs to {member.uid}:{member.gid}")
                if member.mode & 0o6000:
                    problems.append(f"{name} is setuid or setgid")
                if member.mode & 0o022 and not (name == "/tmp" and member.mode & 0o1000):
                    problems.append(f"{name} is writable by group or others")
            tar.extractall(rootfs, numeric_owner=True)
    check("root owns every file; nothing is setuid or writable by the user but /tmp (sticky)", not problems,
          "; ".join(problems[:10]))
    check("there is no shell", not names & {"/bin/sh", "/usr/bin/sh", "/bin/bash", "/usr/bin/bash", "/bin/busybox"},
          sorted(names & {"/bin/sh", "/usr/bin/sh", "/bin/bash", "/bin/busybox"}))
    bundled = {p.name for p in (source / "instruments").glob("*.json")}
    served = {p.name for p in (rootfs / "usr/local/share/psyscore/instruments").glob("*.json")}
    check("the bundled instruments are where the binary looks beside itself", served == bundled, served ^ bundled)
    passwd = (rootfs / "etc/passwd").read_text()
    check("/etc/passwd names the user", re.search(rf"^\w+:x:{uid}:", passwd, re.M) is not None, passwd)


def requests(source):
    """(name, method, target, body, headers) of everything sent to both servers."""
    found = []
    for directory in sorted(p for p in (source / "examples").iterdir() if p.is_dir()):
        instrument = EXAMPLES.get(directory.name)
        check(f"examples/{directory.name} has its instrument in check_image.py", instrument is not None, "")
        for path in sorted(directory.glob("*.csv")):
            endpoint = ANALYSES.get(f"{directory.name}/{path.name}", "score")
            found.append((f"examples/{directory.name}/{path.name}", "POST", f"/v1/instruments/{instrument}/{endpoint}",
                          path.read_bytes(), {"Content-Type": "text/csv"}))
        for path in sorted(directory.glob("*.json")):  # change.json goes to .../change, and so on
            found.append((f"examples/{directory.name}/{path.name}", "POST",
                          f"/v1/instruments/{instrument}/{path.stem}", path.read_bytes(),
                          {"Content-Type": "application/json"}))
    for path in sorted((source / "tests/data/formats").glob("wave*")):
        if path.suffix in FORMATS:
            found.append((f"tests/data/formats/{path.name}", "POST", "/v1/instruments/gad-7/score?column_prefix=gad_",
                          path.read_bytes(), {"Content-Type": FORMATS[path.suffix]}))
    pre = (source / "examples/balint-cohort/pre.csv").read_bytes()
    found += [
        ("the scores as an Excel workbook (written in /tmp)", "POST", "/v1/instruments/mbi-hss/score", pre,
         {"Content-Type": "text/csv", "Accept": XLSX}),
        ("the change report", "POST", "/v1/instruments/mbi-hss/report",
         (source / "examples/balint-cohort/change.json").read_bytes(), {"Content-Type": "application/json"}),
        ("the registry", "GET", "/v1/instruments", None, {}),
        ("the page", "GET", "/", None, {}),
        ("openapi.json", "GET", "/openapi.json", None, {}),
    ]
    return found


def run(archive, host_binary, source, work):
    shutil.rmtree(work, ignore_errors=True)
    layout, rootfs = work / "layout", work / "rootfs"
    layout.mkdir(parents=True)
    rootfs.mkdir()
    version = subprocess.run([host_binary, "--version"], capture_output=True, text=True, check=True).stdout.strip()

    descriptor, image, layers = read_archive(archive, layout)
    ref_name = descriptor.get("annotations", {}).get("org.opencontainers.image.ref.name", "")
    (uid, gid), port, entrypoint, healthcheck = check_config(image["config"], ref_name, version)
    check_layers(layers, rootfs, source, uid)

    # The Deployment's container: its arguments, and its API key file.
    deployment = next(d for d in yaml.safe_load_all((source / "deploy/kubernetes/deployment.yaml").read_text())
                      if d and d["kind"] == "Deployment")
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    check("the Deployment runs this image", container["image"] == ref_name, f"{container['image']}, {ref_name}")
    arguments = [str(a) for a in container.get("args", image["config"].get("Cmd") or [])]
    key_file = flag(arguments, "--api-key-file")
    key = "image-test-" + os.urandom(8).hex()
    host_keys = work / "api-keys"
    host_keys.write_text(f"# the test's key\n{key}\n")

    # The root as Kubernetes gives it: read-only, /tmp a tmpfs (the
    # Deployment's emptyDir in memory), the key file on a tmpfs of its own
    # with the Secret's mode, 0440, and the pod's group (fsGroup).
    key_dir = rootfs / pathlib.PurePosixPath(key_file).parent.relative_to("/") if key_file else None
    if key_dir:
        key_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "--bind", rootfs, rootfs], check=True)
    subprocess.run(["mount", "-o", "remount,bind,ro", rootfs], check=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "mode=1777,size=64m", "tmpfs", rootfs / "tmp"], check=True)
    if key_dir:
        subprocess.run(["mount", "-t", "tmpfs", "-o", "mode=0755,size=1m", "tmpfs", key_dir], check=True)
        mounted = rootfs / key_file.lstrip("/")
        mounted.write_text(host_keys.read_text())
        os.chown(mounted, 0, gid)
        os.chmod(mounted, 0o440)

    as_user = ["chroot", f"--userspec={uid}:{gid}", f"--groups={gid}", str(rootfs)]
    environment = dict(e.split("=", 1) for e in image["config"].get("Env") or [])
    servers = []
    try:
        image_server = Server(as_user + entrypoint + arguments, work / "image.log", env=environment)
        servers.append(image_server)
        check(f"the image listens on port {port}", image_server.port == port, image_server.log())
        if image_server.port != port:
            return
        status = pathlib.Path(f"/proc/{image_server.process.pid}/status").read_text()
        check(f"it runs as {uid}:{gid}",
              re.search(rf"^Uid:\s+{uid}\s", status, re.M) and re.search(rf"^Gid:\s+{gid}\s", status, re.M), status)
        host_arguments = [str(host_keys) if a == key_file else a for a in arguments]
        host_server = Server([host_binary, "--instruments", source / "instruments", "serve", "--host", "127.0.0.1",
                              "--port", "0", *host_arguments], work / "host.log")
        servers.append(host_server)
        check("the host binary listens", host_server.port is not None, host_server.log())

        authorization = {"Authorization": f"Bearer {key}"}
        for name, method, target, body, headers in requests(source):
            ours = exchange(image_server.port, method, target, body, {**headers, **authorization})
            theirs = exchange(host_server.port, method, target, body, {**headers, **authorization})
            check(f"{name}: {method} {target.split('?')[0]} answers as the host binary does ({ours[0]}, "
                  f"{len(ours[2])} bytes)", ours == theirs and ours[0] == 200,
                  f"image {ours[0]} {ours[1]} {ours[2][:300]!r}; host {theirs[0]} {theirs[1]} {theirs[2][:300]!r}")
        for target in ("/healthz", "/readyz"):
            check(f"{target} needs no key", exchange(port, "GET", target)[0] == 200, "")
        check("the API needs the Secret's key", exchange(port, "GET", "/v1/instruments")[0] == 401, "")

        healthy = subprocess.run(as_user + healthcheck, capture_output=True, text=True, env=environment)
        check("the image's health check passes inside it", healthy.returncode == 0 and "ok" in healthy.stdout,
              f"{healthy.returncode}: {healthy.stdout} {healthy.stderr}")

        drain = int(flag(arguments, "--drain-timeout-ms") or 30000) / 1000
        began = time.monotonic()
        image_server.process.send_signal(signal.SIGTERM)
        try:
            code = image_server.process.wait(timeout=drain + 5)
        except subprocess.TimeoutExpired:
            code = None
        check(f"SIGTERM stops it with 0 ({time.monotonic() - began:.2f} s)", code == 0, f"exit {code}")
        log = image_server.log().splitlines()
        check("its log is one JSON object per line (--log-format json), with no error",
              all(json.loads(line)["level"] != "error" for line in log) and log, "\n".join(log[-5:]))
        check("it logged the drain", any("received SIGTERM" in line for line in log), "\n".join(log[-5:]))
        stopped = subprocess.run(as_user + healthcheck, capture_output=True, text=True, env=environment)
        check("the health check fails once it stopped", stopped.returncode == 1, stopped.stderr)
    finally:
        for server in servers:
            server.stop()


def main():
    if len(sys.argv) != 5:
        print(__doc__.strip().splitlines()[-4], file=sys.stderr)
        return 2
    archive, host_binary, source, work = (pathlib.Path(a).resolve() for a in sys.argv[1:])
    if os.geteuid() != 0:
        print("skipped: the image test runs the image with chroot, mounts and a network namespace, as root")
        return SKIPPED
    if os.environ.get(INSIDE) != "1":
        # A network of its own (port 8080 is the image's, whatever the host
        # runs on it, and nothing else reaches the servers) and mounts of its
        # own (the read-only root), both gone when the test ends.
        return subprocess.run(["unshare", "--net", "--mount", "--", sys.executable, __file__, *sys.argv[1:]],
                              env={**os.environ, INSIDE: "1"}).returncode
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    began = time.monotonic()
    run(archive, host_binary, source, work)
    print(f"image checked in {time.monotonic() - began:.1f} s")
    print(f"{passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
