#!/bin/sh
# Renders the sample findings page and, if Debian's chromium is installed,
# screenshots it so the look can be checked by eye. Does not install anything.
# Usage: tests/screenshot_report.sh [OUT_DIR]
set -eu
out="${1:-target/report-sample}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
SITEWARDEN_SAMPLE_DIR="$out" cargo test --quiet --lib report::html::tests::write_sample -- --ignored
echo "HTML: $out/daily.html"
browser="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$browser" ]; then
    echo "chromium not installed: open $out/daily.html in a browser to check the look"
    exit 0
fi
"$browser" --headless --no-sandbox --disable-gpu --window-size=1280,2400 \
    --screenshot="$out/daily.png" "file://$out/daily.html" 2>/dev/null
echo "PNG:  $out/daily.png"
