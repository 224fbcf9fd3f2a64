#!/bin/sh
# Fill fuzz/corpus/<target>/ with seeds at run time; nothing here is committed.
# Pages: the fixture sites and, if present, ../shared/realpages (not ours to copy
# into the repository). Run from anywhere.
set -eu
fuzz=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$fuzz")
corpus="$fuzz/corpus"
mkdir -p "$corpus/analyse_page" "$corpus/robots" "$corpus/feeds" "$corpus/dates"

n=0
# analyse_page: the first byte picks the Content-Type (0 = utf-8 header,
# 1 = windows-1258 header, 2 = none), so prefix each page with each of them.
for f in $(find "$root/fixtures/sites" -name '*.html') "$root"/../shared/realpages/*.html; do
    [ -f "$f" ] || continue
    n=$((n + 1))
    for ct in 0 1 2; do
        { printf "\\00$ct"; cat "$f"; } > "$corpus/analyse_page/seed-$n-ct$ct"
    done
done
echo "analyse_page: $n pages x 3 content types"

n=0
for f in $(find "$root/fixtures/sites" -name 'robots.txt'); do
    n=$((n + 1)); cp "$f" "$corpus/robots/seed-$n"
done
echo "robots: $n files"

n=0
for f in $(find "$root/fixtures/sites" -name '*.xml'); do
    n=$((n + 1)); cp "$f" "$corpus/feeds/seed-$n"
done
echo "feeds: $n files"

# dates: the forms the finder is written for.
i=0
while IFS= read -r line; do
    i=$((i + 1)); printf '%s' "$line" > "$corpus/dates/seed-$i"
done <<'DATES'
Cập nhật: 08:30 ngày 12/3/2024
Thứ Hai, 27/07/2022 - 14:05 (GMT+7)
Ngày 5 tháng 9 năm 2023
THỨ HAI, 12 THÁNG 3, 2024
Đăng ngày: 2015-03-23 08:06 +07:00
27/7/1947 - 27/7/2022
2024-03-12T08:30:00+07:00
Tháng Mười Hai 03, 2021
DATES
echo "dates: $i strings"
