#!/usr/bin/env bash
# tools/scripts/fetch_data.sh NAME...   (NAME: mnist fashion-mnist cora citeseer pubmed cora-linqs all)
#
# Fills data/ (git-ignored) next to this checkout, from the first source that exists:
#   1. $VGRAD_DATA_MIRROR          a folder laid out like ../shared/data (no network)
#   2. <checkout>/../shared/data   the same, found next to the checkout (no network)
#   3. the datasets' public URLs   (curl)
# Every file is checked against the sha256 below (the sums of ../shared/data/README.md); a
# mismatch is refused, naming the file, and nothing unverified is left in data/.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
data="$root/data"
mirror="${VGRAD_DATA_MIRROR:-}"
if [ -n "$mirror" ] && [ ! -d "$mirror" ]; then
  echo "fetch_data: VGRAD_DATA_MIRROR=$mirror is not a folder" >&2; exit 1
fi
[ -z "$mirror" ] && [ -d "$root/../shared/data" ] && mirror="$(cd "$root/../shared/data" && pwd)"

# sha256 and path under data/ (and under the mirror).
read -r -d '' SUMS <<'EOF' || true
8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6 mnist/t10k-images-idx3-ubyte.gz
f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6 mnist/t10k-labels-idx1-ubyte.gz
440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609 mnist/train-images-idx3-ubyte.gz
3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c mnist/train-labels-idx1-ubyte.gz
ecfcfcdc830c6fe49a148c318044cd65d8335c9442c6ba5d9fba1bcee9bc7a0d cora/README
ec1a372391b7f0f60a6aff0084e8abd8f19f0faa7e1f2441a41c492042d5945e cora/cora.cites
b8ebed0fd45e53995abafd1b70cf6a9fcc8f86abc5826d69b97fe6ca46e9c8ee cora/cora.content
75e53a6dd7ff2ead7b2fcc3e31e6319debdb33f5537eeb24054e16535cfa277e planetoid-text/cora/edges.txt
c5bd01030be2e2e7b3b6a13a39b267fa6a84cb214e9376fb67822e48b3f8d04f planetoid-text/cora/features.txt
8f929c6f3a938980341b2bcfa82a96e69e8d494d0c741396fd4bd87f460385c4 planetoid-text/cora/labels.txt
252984fafdcd67e29196d86dc9a748dd225b4ae803d10fe1ec5172c56c2fc9c0 planetoid-text/cora/meta.txt
297ce89af2b51a6a194181c7dbe1796c6a1cf9cd9349a88383b1b1e227867875 planetoid-text/cora/test_index.txt
1a689c95807a38c60f4ac5ed7a8a8f4565e9b5084b83d8ce62fa1e452e0c71cf planetoid-text/citeseer/edges.txt
6cd5036ca652ab7752514ad13b6dcd364e7534a57665cf6cfb02c9c99f7202a7 planetoid-text/citeseer/features.txt
03ec73b7634b911922ff78983676c9a577590e8e00c1b097ed4970e933ad714d planetoid-text/citeseer/labels.txt
7f0061d53265a37442fc928bb946a2a3315968b868ef25b7f8bd7731417bd52a planetoid-text/citeseer/meta.txt
2af990671580b6b2df5d158d1038f8292e30c9cd821b5453f399659b25b723d4 planetoid-text/citeseer/test_index.txt
bb00685e25e15de27f397579309b12ca25a58fc7531d757ec6aeffd58c9ce054 planetoid-text/pubmed/edges.txt
da7f8d961c27d1719d3c5d3b7fee7fcabe403336060554fe69e49d267a10b435 planetoid-text/pubmed/features.txt.gz
d48a582e64f106deb746656dc18a446f13c11b421d1f7de19301c4415a6b354d planetoid-text/pubmed/labels.txt
72ac268c2b0d364203be9a1cbc64decea6fcb5ecb946ba701eafa9462bc0b6a6 planetoid-text/pubmed/meta.txt
b101d421688bbaecbd82e8a18f1e282378d6830f3a37666f28ebc47f844341b5 planetoid-text/pubmed/test_index.txt
2ac30345d95c9ec933a817ee0bdd6a5f077f8c184a20e696910192d534414668 planetoid/ind.citeseer.allx
f704b2d986dde6c2669934de1f3ae5696a6cf9455c0f6b2646a2d135ea0a1c95 planetoid/ind.citeseer.ally
d79a4ef9d3e7169aee8946145f6b7306e35bc79bffad26346cfb94e10e9912a7 planetoid/ind.citeseer.graph
2af990671580b6b2df5d158d1038f8292e30c9cd821b5453f399659b25b723d4 planetoid/ind.citeseer.test.index
539a8906a2da97628d212f2fdd668c109a8b3f0d36574b59e5d3fd5b5303da21 planetoid/ind.citeseer.tx
55e5bd1ba1e733a04598753ad1a8d57957f4b8f89e74519f41f4f4938767e4ce planetoid/ind.citeseer.ty
d20de19150741e555de0ed037195630fc194114ebc7fd72ced62810148aa22f6 planetoid/ind.citeseer.x
8ba87e515d8e3ee3cf52f6d2c5b86aa73f11ecad825a808455209ec26cd54924 planetoid/ind.citeseer.y
9419ba2f26f5c35243db64aba110e0f35a04851609e0dc5433450676ca6b8543 planetoid/ind.cora.allx
2b998f5cc7fedc86e7f97ca2498f47a1ffc1462c29e2d578b23bf3f62b6e7d71 planetoid/ind.cora.ally
58f13302f39dde8852dad6fe6d15b89b077b6d7f837626bce671ef80344b383d planetoid/ind.cora.graph
297ce89af2b51a6a194181c7dbe1796c6a1cf9cd9349a88383b1b1e227867875 planetoid/ind.cora.test.index
b9afbaa4a400df991f6f02ef677e1e44da55ffc04801fd02f9e673987829226a planetoid/ind.cora.tx
41f5ac76596a1699cc33f53084a2419e92961c42bb75f36fc38e616d348532ad planetoid/ind.cora.ty
23cfa55d91c6f624233f5eb7b6e3f141f1bd2b2ae39608a63cf5d084bb27baab planetoid/ind.cora.x
94465c14eb53e04ca262198dcbb2521ee8af60fb3f3d546cd6ca24a511b0e7d1 planetoid/ind.cora.y
0c37bbe3b5014ec365e9d393cf4791925e5ed94fb194305d74f064a8d7b50f0e planetoid/ind.pubmed.ally
5b89f0036ca22909471f1e6558eb42fa06e0c730a577bde5b058b40638f81dc9 planetoid/ind.pubmed.graph
b101d421688bbaecbd82e8a18f1e282378d6830f3a37666f28ebc47f844341b5 planetoid/ind.pubmed.test.index
4eb5f5d0f30f26497eb0ac6ac9719d09c67e284f1ed0385c93f3ef27a671da3d planetoid/ind.pubmed.tx
ee2e0d4819d9fbcc403689c3bf2e49face401b605932f093bc58ab6461130fdd planetoid/ind.pubmed.ty
fbe9cb5c47200d1b7769a26e579be3b7130b556831f9d850e77c4c74f2599b33 planetoid/ind.pubmed.x
e6c807633307a07ed659249006536a147c7999c797f11a2560752990181b41b3 planetoid/ind.pubmed.y
508e538e2abdccdd54c4d3e9f49d638b4af7107d85845f66ddea5a5152658b7e planetoid/ind.pubmed.allx
EOF

# Public sources, used only when no mirror is found (overridable, e.g. with file:// URLs).
mnist_urls="${VGRAD_MNIST_URLS:-https://ossci-datasets.s3.amazonaws.com/mnist https://storage.googleapis.com/cvdf-datasets/mnist}"
linqs_url="${VGRAD_LINQS_URL:-https://raw.githubusercontent.com/tkipf/pygcn/1600b5b748b3976413d1e307540ccc62605b4d6d/data/cora}"
planetoid_url="${VGRAD_PLANETOID_URL:-https://raw.githubusercontent.com/tkipf/gcn/39a4089fe72ad9f055ed6fdb9746abdcfebc4d81/gcn/data}"

die() { echo "fetch_data: $*" >&2; exit 1; }
files_of() { printf '%s\n' "$SUMS" | awk -v p="$1" 'index($2, p) == 1 { print $2 }'; }  # by prefix
sum_of() { printf '%s\n' "$SUMS" | awk -v f="$1" '$2 == f { print $1 }'; }

verified() {  # FILE REL: true when FILE has REL's sha256
  [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$(sum_of "$2")" ]
}

# Copies or downloads REL into data/REL through a temp name; refuses a checksum mismatch.
fetch_file() {
  local rel="$1" url="${2:-}" dest="$data/$1" tmp   # url: one or more, space-separated
  verified "$dest" "$rel" && return 0
  mkdir -p "$(dirname "$dest")"
  tmp="$dest.part.$$"
  if [ -n "$mirror" ]; then
    [ -f "$mirror/$rel" ] || die "$mirror/$rel: missing from the mirror"
    cp "$mirror/$rel" "$tmp"
    chmod 644 "$tmp"   # mirrors are often read-only; data/ should not be
  else
    local u ok=0
    for u in $url; do   # several mirrors, tried in order
      echo "fetch_data: downloading $u" >&2
      curl -fsSL --retry 2 -o "$tmp" "$u" && { ok=1; break; }
    done
    # A failed first file must not leave an empty data/NAME/ behind: the tests and the
    # loaders take an existing folder for a fetched dataset.
    [ "$ok" = 1 ] || { rm -f "$tmp"; rmdir "$(dirname "$dest")" 2>/dev/null; die "$rel: download failed from: $url"; }
  fi
  local want found
  want="$(sum_of "$rel")"
  found="$(sha256sum "$tmp" | cut -d' ' -f1)"
  if [ "$want" != "$found" ]; then
    rm -f "$tmp"
    die "${mirror:+$mirror/}$rel: sha256 mismatch: expected $want, found $found (file refused)"
  fi
  mv -f "$tmp" "$dest"
}

fetch_mnist() {
  local rel m urls
  for rel in $(files_of mnist/); do
    urls=""
    for m in $mnist_urls; do urls="$urls $m/$(basename "$rel")"; done
    fetch_file "$rel" "$urls"
  done
}

fetch_linqs() {
  local rel
  for rel in $(files_of cora/); do fetch_file "$rel" "$linqs_url/$(basename "$rel")"; done
}

# The mirror's pubmed features are partly approximate (it lacks ind.pubmed.allx); converted
# from the full pickles they are exact, so these two files cannot match the mirror's sums.
exact_pubmed_file() {
  [ "$1" = planetoid-text/pubmed/features.txt.gz ] || [ "$1" = planetoid-text/pubmed/meta.txt ]
}

fetch_planetoid_text() {
  local name="$1" rel
  if [ -n "$mirror" ]; then
    for rel in $(files_of "planetoid-text/$name/"); do fetch_file "$rel"; done
    return 0
  fi
  local all_ok=1
  for rel in $(files_of "planetoid-text/$name/"); do
    if exact_pubmed_file "$rel"; then [ -f "$data/$rel" ] || all_ok=0; continue; fi
    verified "$data/$rel" "$rel" || all_ok=0
  done
  [ "$all_ok" = 1 ] && return 0
  # The public form is Python 2 pickles: download and verify them, then convert them with the
  # project's converter (Debian's python3 with numpy and scipy; the build never needs them).
  for rel in $(files_of "planetoid/ind.$name."); do fetch_file "$rel" "$planetoid_url/$(basename "$rel")"; done
  local py=/usr/bin/python3
  [ -x "$py" ] || py=python3
  "$py" -c 'import numpy, scipy' 2>/dev/null ||
    die "$name: converting the Planetoid pickles needs: apt-get install python3-numpy python3-scipy"
  local tmp="$data/planetoid-text/.$name.part.$$"
  rm -rf "$tmp"
  "$py" "$root/tools/scripts/planetoid_to_text.py" "$data/planetoid" "$name" "$tmp" ||
    { rm -rf "$tmp"; die "$name: tools/scripts/planetoid_to_text.py failed"; }
  for rel in $(files_of "planetoid-text/$name/"); do
    exact_pubmed_file "$rel" && continue
    verified "$tmp/$(basename "$rel")" "$rel" ||
      { rm -rf "$tmp"; die "$rel: converted file does not match its sha256 (file refused)"; }
  done
  rm -rf "$data/planetoid-text/$name"
  mv "$tmp" "$data/planetoid-text/$name"
}

# Debian ships Fashion-MNIST; its .gz files were re-compressed by Debian, so they are checked
# by their uncompressed sizes instead of a published sha256.
fetch_fashion() {
  local src=/usr/share/datasets/fashion-mnist
  if [ ! -d "$src" ]; then
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo -n"
    echo "fetch_data: installing Debian package dataset-fashion-mnist" >&2
    { DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends dataset-fashion-mnist >&2 ||
      { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends dataset-fashion-mnist >&2; }; } ||
      die "fashion-mnist: could not install dataset-fashion-mnist; run: sudo apt-get install dataset-fashion-mnist"
  fi
  local f size
  for f in train-images-idx3-ubyte:47040016 train-labels-idx1-ubyte:60008 \
           t10k-images-idx3-ubyte:7840016 t10k-labels-idx1-ubyte:10008; do
    [ -f "$src/${f%%:*}.gz" ] || die "$src/${f%%:*}.gz: missing (reinstall dataset-fashion-mnist)"
    size="$(gzip -dc "$src/${f%%:*}.gz" | wc -c)"
    [ "$size" = "${f##*:}" ] || die "$src/${f%%:*}.gz: expected ${f##*:} bytes uncompressed, found $size"
  done
  mkdir -p "$data/fashion-mnist"
  for f in "$src"/*-ubyte.gz; do ln -sf "$f" "$data/fashion-mnist/$(basename "$f")"; done
}

[ $# -gt 0 ] || { echo "usage: tools/scripts/fetch_data.sh NAME... (mnist fashion-mnist cora citeseer pubmed cora-linqs all)" >&2; exit 2; }
names=() done=()
for n in "$@"; do
  case "$n" in
    all) names+=(mnist cora citeseer pubmed cora-linqs fashion-mnist-optional) ;;
    mnist|fashion-mnist|cora|citeseer|pubmed|cora-linqs) names+=("$n") ;;
    *) echo "fetch_data: unknown dataset '$n' (expected mnist fashion-mnist cora citeseer pubmed cora-linqs all)" >&2; exit 2 ;;
  esac
done
for n in "${names[@]}"; do
  case "$n" in
    mnist) fetch_mnist; done+=("$n") ;;
    cora|citeseer|pubmed) fetch_planetoid_text "$n"; done+=("$n") ;;
    cora-linqs) fetch_linqs; done+=("$n") ;;
    fashion-mnist) fetch_fashion; done+=("$n") ;;
    # `make data` installs nothing: it links Fashion-MNIST only when Debian's package is there.
    fashion-mnist-optional)
      if [ -d /usr/share/datasets/fashion-mnist ]; then fetch_fashion; done+=(fashion-mnist)
      else echo "fetch_data: fashion-mnist not installed (tools/scripts/fetch_data.sh fashion-mnist installs it)" >&2; fi ;;
  esac
done
echo "fetch_data: ${done[*]} verified in $data" >&2
