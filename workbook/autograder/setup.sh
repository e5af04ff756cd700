#!/usr/bin/env bash
# Gradescope runs this once, as root on its Ubuntu image, when it builds the
# autograder: it installs the Go release the workbook's go.mod names, from
# the official tarball, downloads the modules the bundled edition needs and
# builds the grader, so that grading a submission needs no network and no
# compiling of the grader. Running it again changes nothing.
set -euo pipefail

go_release=@GO_VERSION@
# WORKBOOK_GO_DIR moves the installation, for a test of this script.
go_dir="${WORKBOOK_GO_DIR:-/usr/local/go}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

installed="$("$go_dir/bin/go" env GOVERSION 2>/dev/null || true)"
if [ "$installed" != "$go_release" ]; then
	case "$(uname -m)" in
	x86_64) arch=amd64 ;;
	aarch64 | arm64) arch=arm64 ;;
	*)
		echo "setup.sh: Go has no Linux tarball for $(uname -m)" >&2
		exit 1
		;;
	esac
	if ! command -v curl >/dev/null; then
		apt-get update
		apt-get install -y curl ca-certificates
	fi
	tarball="$go_release.linux-$arch.tar.gz"
	download="$(mktemp -d)"
	trap 'rm -rf "$download"' EXIT
	curl -fsSL --retry 3 -o "$download/$tarball" "https://dl.google.com/go/$tarball"
	# The checksum Go publishes beside each tarball catches a broken download.
	curl -fsSL --retry 3 -o "$download/$tarball.sha256" "https://dl.google.com/go/$tarball.sha256"
	echo "$(cat "$download/$tarball.sha256")  $download/$tarball" | sha256sum -c -
	rm -rf "$go_dir"
	mkdir -p "$(dirname "$go_dir")"
	tar -C "$download" -xzf "$download/$tarball"
	mv "$download/go" "$go_dir"
fi
export PATH="$go_dir/bin:$PATH"
go version

cd "$here/edition"
go mod download
go build -o "$here/workbook-grader" ./workbook
