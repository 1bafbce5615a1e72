#!/usr/bin/env bash
# Deploys the GPU workers (SCALE-7/8) in the only order that works: the image repository stack,
# then the image built and pushed to it, then the workers stack pointing at that tag. The service
# would otherwise be updated to an image that does not exist yet (and the circuit breaker would
# roll it back, or a scaled-out task would fail to start).
#
#   deploy/aws/deploy.sh <image-tag> [extra cdk args, e.g. -c alertEmail=ops@rugbycodex.com]
#
# AWS credentials come from the environment (CI: OIDC role). CDK_CLI, AWS_CLI and DOCKER_CLI
# override the tools (tests).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cdk=${CDK_CLI:-$here/node_modules/.bin/cdk}
aws=${AWS_CLI:-aws}
docker=${DOCKER_CLI:-docker}
repository=rugbycodex-transcoder

die() { echo "deploy/aws/deploy.sh: $*" >&2; exit 2; }
[ $# -ge 1 ] && [ -n "$1" ] || die "usage: deploy.sh <image-tag> [cdk args...]"
tag=$1
shift
[[ $tag =~ ^[A-Za-z0-9_.-]{1,128}$ ]] || die "not a valid image tag: $tag"

(cd "$here" && "$cdk" deploy RugbyCodexImages --require-approval never)

uri=$("$aws" ecr describe-repositories --repository-names "$repository" --query 'repositories[0].repositoryUri' --output text)
# Tags are immutable: a tag already pushed (a re-run of the same commit) is used as it is.
if "$aws" ecr describe-images --repository-name "$repository" --image-ids "imageTag=$tag" >/dev/null 2>&1; then
  echo "deploy/aws/deploy.sh: $uri:$tag is already in ECR" >&2
else
  "$aws" ecr get-login-password | "$docker" login --username AWS --password-stdin "${uri%%/*}"
  (cd "$repo" && "$docker" build -f transcoder/Dockerfile -t "$uri:$tag" "$repo")
  "$docker" push "$uri:$tag"
fi

(cd "$here" && "$cdk" deploy RugbyCodexWorkers --require-approval never -c "imageTag=$tag" "$@")
