"""Letters from other scripts that look like Latin ones (Cyrillic and Greek "о", "а", "р"…), mapped to the Latin
letter they imitate. One table for every place that compares what a text *looks like*: text-harm normalisation
("соnnard" with a Cyrillic "о") and the workspace's look-alike member names. A leaf module."""

HOMOGLYPHS: dict[str, str] = {
    "0": "o",  # U+0030
    "ɡ": "g",  # U+0261
    "Α": "a",  # U+0391
    "Β": "b",  # U+0392
    "Ε": "e",  # U+0395
    "Ζ": "z",  # U+0396
    "Η": "h",  # U+0397
    "Ι": "i",  # U+0399
    "Κ": "k",  # U+039A
    "Μ": "m",  # U+039C
    "Ν": "n",  # U+039D
    "Ο": "o",  # U+039F
    "Ρ": "p",  # U+03A1
    "Τ": "t",  # U+03A4
    "Υ": "y",  # U+03A5
    "Χ": "x",  # U+03A7
    "α": "a",  # U+03B1
    "ε": "e",  # U+03B5
    "ι": "i",  # U+03B9
    "κ": "k",  # U+03BA
    "ν": "v",  # U+03BD
    "ο": "o",  # U+03BF
    "ρ": "p",  # U+03C1
    "τ": "t",  # U+03C4
    "υ": "u",  # U+03C5
    "χ": "x",  # U+03C7
    "Ѕ": "s",  # U+0405
    "І": "i",  # U+0406
    "Ј": "j",  # U+0408
    "А": "a",  # U+0410
    "В": "b",  # U+0412
    "Е": "e",  # U+0415
    "К": "k",  # U+041A
    "М": "m",  # U+041C
    "Н": "h",  # U+041D
    "О": "o",  # U+041E
    "Р": "p",  # U+0420
    "С": "c",  # U+0421
    "Т": "t",  # U+0422
    "Х": "x",  # U+0425
    "а": "a",  # U+0430
    "в": "b",  # U+0432
    "е": "e",  # U+0435
    "к": "k",  # U+043A
    "м": "m",  # U+043C
    "н": "h",  # U+043D
    "о": "o",  # U+043E
    "р": "p",  # U+0440
    "с": "c",  # U+0441
    "т": "t",  # U+0442
    "у": "y",  # U+0443
    "х": "x",  # U+0445
    "ѕ": "s",  # U+0455
    "і": "i",  # U+0456
    "ј": "j",  # U+0458
    "Ү": "y",  # U+04AE
    "һ": "h",  # U+04BB
    "ӏ": "l",  # U+04CF
    "ԁ": "d",  # U+0501
    "ԛ": "q",  # U+051B
    "ԝ": "w",  # U+051D
}
