#!/usr/bin/env bash
# Renders the installable app's icons (Web/wwwroot/icons/*.png) from the favicon's drawing with headless Chromium:
# 192 and 512 px as drawn (rounded square), and a 512 px maskable one (full-bleed background, figures inside the
# central safe zone). The PNGs are committed; run this only after changing favicon.svg, and commit what it wrote.
set -euo pipefail
cd "$(dirname "$0")/.."
out=src/Likeperson/Web/wwwroot/icons
svg=$(cat src/Likeperson/Web/wwwroot/favicon.svg)
inner=$(sed -E 's|<svg[^>]*><rect[^>]*/>||; s|</svg>||' <<<"$svg")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
page() { printf '<!doctype html><html><head><style>html,body{margin:0;background:%s}svg{display:block;width:%spx;height:%spx}</style></head><body>%s</body></html>' "$1" "$2" "$2" "$3"; }
page transparent 192 "$svg" >"$tmp/icon-192.html"
page transparent 512 "$svg" >"$tmp/icon-512.html"
page '#10243e' 512 "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 64 64\"><rect width=\"64\" height=\"64\" fill=\"#10243e\"/><g transform=\"translate(32 32) scale(0.72) translate(-32 -31)\">$inner</g></svg>" >"$tmp/maskable-512.html"
mkdir -p "$out"
for name in icon-192:192 icon-512:512 maskable-512:512; do
  file=${name%%:*} size=${name##*:}
  chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars --default-background-color=00000000 \
    --screenshot="$out/$file.png" --window-size="$size,$size" "file://$tmp/$file.html" 2>/dev/null
done
ls -l "$out"
