from zones.text import fold


def test_fold_strips_vietnamese_diacritics_and_case():
    assert fold("Hữu Lũng") == "huu lung"
    assert fold("  Đình   Lập ") == "dinh lap"
    assert fold("Hoà Sơn") == fold("Hòa Sơn") == "hoa son"
