#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs the build into a fresh temporary prefix and checks that the installed tree alone is
# enough: a C program built with `pkg-config --cflags --libs scalecast` (shared library, found
# at run time through the library folder pkg-config names), the same program linked statically
# (`pkg-config --static`), a CMake project using find_package(scalecast), the installed tool and
# its man page.
#   usage: run.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" 2>&1 ||
  { echo "cmake --install failed:"; cat "$tmp/install.log"; exit 1; }

export PKG_CONFIG_PATH=
pc=$(find "$prefix" -name scalecast.pc)
pcdir=$(dirname "${pc%%$'\n'*}")
[ -n "$pcdir" ] || { echo "no scalecast.pc installed"; exit 1; }
export PKG_CONFIG_PATH=$pcdir
pkg-config --exists --print-errors scalecast
libdir=$(pkg-config --variable=libdir scalecast)
flags=$(pkg-config --cflags --libs scalecast)
for want in -lscalecast -lgsl -ljansson -lplplot -fopenmp; do
  case " $flags " in *" $want"*) ;; *) echo "pkg-config --libs lacks $want: $flags"; exit 1 ;; esac
done
ls "$libdir"/libscalecast.so.[0-9]* >/dev/null
soname=$(objdump -p "$libdir/libscalecast.so" | awk '$1=="SONAME"{print $2}')
[ "$soname" = "libscalecast.so.0" ] || { echo "soname \"$soname\", expected libscalecast.so.0"; exit 1; }

data=$src/tests/data/fit/satpower_exact.csv
check_output() { # y = 1.5 + 100 x^-0.3 exactly
  awk '$1=="E"{e=$2+0} $1=="A"{a=$2+0} $1=="alpha"{al=$2+0} $1=="version"{v=1}
       END{ok = v && (e-1.5)^2 < 1e-10 && (a/100-1)^2 < 1e-10 && (al-0.3)^2 < 1e-10; exit ok ? 0 : 1}' "$1" ||
    { echo "unexpected output of $2:"; cat "$1"; exit 1; }
}

# Shared: the run-time path comes from pkg-config's libdir.
cc -std=c11 -Wall -Werror "$src/tests/install/hello.c" -o "$tmp/hello" $flags -Wl,-rpath,"$libdir"
"$tmp/hello" "$data" >"$tmp/out-shared"
check_output "$tmp/out-shared" "the program linked to the shared library"
ldd "$tmp/hello" | grep -q "libscalecast.so.0 => $libdir" ||
  { echo "hello does not load the installed shared library:"; ldd "$tmp/hello"; exit 1; }

# Static: the archive and everything it needs from pkg-config --static.
cc -std=c11 -Wall -Werror "$src/tests/install/hello.c" -o "$tmp/hello-static" \
   $(pkg-config --cflags scalecast) "$libdir/libscalecast.a" $(pkg-config --static --libs-only-other --libs-only-l scalecast | sed 's/-lscalecast//')
"$tmp/hello-static" "$data" >"$tmp/out-static"
check_output "$tmp/out-static" "the program linked statically"
if ldd "$tmp/hello-static" | grep -q libscalecast; then echo "hello-static loads libscalecast"; exit 1; fi

# CMake package.
cmake -S "$src/tests/install/cmake-consumer" -B "$tmp/consumer" -DCMAKE_PREFIX_PATH="$prefix" \
      -DSC_HELLO_SOURCE="$src/tests/install/hello.c" >"$tmp/consumer.log" 2>&1 ||
  { cat "$tmp/consumer.log"; exit 1; }
cmake --build "$tmp/consumer" >"$tmp/consumer-build.log" 2>&1 || { cat "$tmp/consumer-build.log"; exit 1; }
"$tmp/consumer/hello" "$data" >"$tmp/out-cmake"
check_output "$tmp/out-cmake" "the CMake-built program"

# The tool and its man page.
"$prefix/bin/scalecast" --version | grep -q '^scalecast [0-9]'
man_page=$(find "$prefix" -path '*man1/scalecast.1')
[ -s "$man_page" ] || { echo "man page not installed"; exit 1; }
grep -q '^\.TH' "$man_page"
echo "install test: ok ($prefix)"
