#!/bin/sh
# record.sh NAME CMD...: run one check that is not a unit-test program (golden
# data, RTL, driver, ...) and record its result in build/results.txt.
name=$1; shift
mkdir -p build
if "$@"; then
	echo "PASS $name" >>build/results.txt
else
	echo "FAIL $name" >>build/results.txt
	echo "--- $name failed"
	exit 1
fi
