#!/usr/bin/env bash
# Writes tasks.json for an Azure Batch job: one task per shard of LIST, each running
#   imagegate check --from LIST --shard I/N --format json
# in the imagegate container and uploading its JSON Lines to a blob container.
#   examples/azure-batch/make-tasks.sh N LIST_URL OUTPUT_CONTAINER_SAS_URL > tasks.json
#   az batch job create --json-file examples/azure-batch/job.json
#   az batch task create --job-id imagegate-audit --json-file tasks.json
# LIST_URL is a blob (with a SAS) holding one image path or URL a line; every task downloads the
# same list, so the shards partition it. Merge the outputs with `cat shard-*.jsonl | jq -s 'sort_by(.index)'`.
set -euo pipefail
n=${1:?usage: make-tasks.sh N LIST_URL OUTPUT_CONTAINER_SAS_URL}
list=${2:?usage}
out=${3:?usage}
python3 - "$n" "$list" "$out" <<'PY'
import json, sys
n, list_url, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
tasks = []
for i in range(n):
    tasks.append({
        "id": f"shard-{i}",
        "commandLine": f"/bin/sh -c 'imagegate check --from $AZ_BATCH_TASK_WORKING_DIR/images.txt --shard {i}/{n} --format json > shard-{i}.jsonl || [ $? -le 2 ]'",
        "containerSettings": {"imageName": "registry.example/imagegate:latest", "containerRunOptions": "--entrypoint ''"},
        "resourceFiles": [{"httpUrl": list_url, "filePath": "images.txt"}],
        "outputFiles": [{
            "filePattern": f"shard-{i}.jsonl",
            "destination": {"container": {"containerUrl": out}},
            "uploadOptions": {"uploadCondition": "taskCompletion"},
        }],
    })
json.dump(tasks, sys.stdout, indent=2)
print()
PY
