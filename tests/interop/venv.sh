# Sourced by tests/interop/run.sh and tests/durability/run.sh: the pinned
# Python clients (tests/interop/requirements.txt) in one virtualenv, rebuilt
# only when the requirements change (the venv is stamped with their hash).
#
#   install_python VENV REQUIREMENTS

install_python() {
  local venv=$1 requirements=$2 stamp want
  stamp=$venv/.requirements.sha256
  want=$(sha256sum "$requirements" | cut -d' ' -f1)
  if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    echo "python venv up to date"
    return 0
  fi
  python3 -m venv "$venv" &&
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements" &&
    echo "$want" >"$stamp"
}
