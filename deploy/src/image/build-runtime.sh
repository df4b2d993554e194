#!/usr/bin/env bash
# Builds the part of the container image that Jib cannot pull from a registry: a Java runtime of the modules the
# server needs (jlink) and the shared libraries of the build machine that this runtime and Netty's epoll transport
# load. Run by Maven during `package` (deploy/pom.xml); Jib then adds OUT as layers on the empty base image.
#
# Usage: build-runtime.sh JAVA_HOME MODULES SERVER_JAR OUT
# MODULES: comma-separated, the image.java.modules property of deploy/pom.xml.
set -euo pipefail
java_home=$1
modules=$2
jar=$(realpath "$3")
out=$4

# The jlinked runtime depends on the JDK and the modules only: a build that has it already keeps it (and Jib its
# layer). The shared libraries below are copied on every build, so that a rebuild after the build machine's
# libraries were upgraded (security fixes) ships the new ones.
stamp="$out.stamp"
runtime_from="$java_home $("$java_home/bin/java" -XshowSettings:properties -version 2>&1 | grep 'java.vm.version') $modules"
if [[ ! -d $out/opt/java || ! -f $stamp || $(<"$stamp") != "$runtime_from" ]]; then
    rm -rf "$out" "$stamp"
    mkdir -p "$out/opt"
    "$java_home/bin/jlink" --add-modules "$modules" \
        --strip-debug --no-header-files --no-man-pages --compress=2 --output "$out/opt/java"
    echo "$runtime_from" > "$stamp"
fi
# Everything but the runtime is made anew: the libraries of the previous build go, whatever they were.
find "$out" -mindepth 1 -maxdepth 1 ! -name opt -exec rm -rf {} +
mkdir -p "$out/tmp"

# Netty's epoll transport ships its native library inside the jar and loads it from /tmp at run time.
natives=$(mktemp -d)
trap 'rm -rf "$natives"' EXIT
(cd "$natives" && "$java_home/bin/jar" --extract --file "$jar" META-INF/native/libnetty_transport_native_epoll_x86_64.so)

# Shared libraries: those of the launcher, the JVM, Netty's epoll library and the runtime's libraries, except the
# desktop ones (AWT, fonts, images, sound, splash screen: a headless server never loads them, and on some JDK builds
# they need X11 and font libraries). Each is copied to the path the dynamic loader found it at.
libraries=("$out/opt/java/bin/java" "$out/opt/java/lib/server/libjvm.so"
    "$natives/META-INF/native/libnetty_transport_native_epoll_x86_64.so")
for library in "$out"/opt/java/lib/*.so; do
    case $(basename "$library") in
        libawt*.so | libjawt.so | libfontmanager.so | libjavajpeg.so | liblcms.so | libmlib_image.so \
            | libsplashscreen.so | libjsound.so) ;;
        *) libraries+=("$library") ;;
    esac
done
# The runtime's libraries find libjvm.so loaded already, not on a path: ldd cannot see it.
dependencies=$(ldd "${libraries[@]}")
if grep 'not found' <<<"$dependencies" | grep -v '^\s*libjvm\.so '; then
    echo "build-runtime.sh: the build machine lacks a shared library the runtime needs" >&2
    exit 1
fi
grep -o '/[^ ]*\.so[^ ]*' <<<"$dependencies" | grep -v "^$out/\|^$natives/" | sort -u | while read -r path; do
    mkdir -p "$out$(dirname "$path")"
    cp -L "$path" "$out$path"
done
