"""Parses rendered manifests and validates every object against the Kubernetes OpenAPI schemas
that the kubernetes-validate package ships (offline), for each requested Kubernetes version.

stdin:  {"versions": ["1.30.0", ...], "documents": {"<name>": "<YAML stream>", ...}}
stdout: {"<name>": {"objects": [...], "results": [{"index", "kind", "apiVersion", "name",
         "version", "status": "valid" | "invalid" | "no-schema", "error"}]}}

One process for every render, so the schemas are loaded once (see tests/packaging).
"""
import json
import sys

import yaml
from kubernetes_validate import utils


def main() -> None:
    request = json.load(sys.stdin)
    versions = request["versions"]
    out = {}
    for name, text in request["documents"].items():
        objects = [doc for doc in yaml.safe_load_all(text) if doc]
        results = []
        for index, obj in enumerate(objects):
            for version in versions:
                result = {
                    "index": index,
                    "kind": obj.get("kind"),
                    "apiVersion": obj.get("apiVersion"),
                    "name": (obj.get("metadata") or {}).get("name"),
                    "version": version,
                }
                try:
                    utils.validate(obj, version, strict=True)
                    result["status"] = "valid"
                except utils.ValidationError as error:
                    path = ".".join(str(p) for p in error.path)
                    result["status"] = "invalid"
                    result["error"] = f"{path}: {error.message}"
                except utils.SchemaNotFoundError as error:
                    result["status"] = "no-schema"
                    result["error"] = error.message
                results.append(result)
        out[name] = {"objects": objects, "results": results}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
