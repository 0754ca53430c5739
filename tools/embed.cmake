# cmake -DIN=file -DOUT=file.c -DNAME=symbol -P embed.cmake: IN's bytes as a C string NAME,
# so a page the kmm tool writes can carry its script and stay one file.
file(READ ${IN} hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(WRITE ${OUT} "/* Generated from ${IN} by embed.cmake. */\nconst char ${NAME}[] = { ${bytes} 0 };\n")
