"""``ropa diff``: the register at two git revisions, compared field by field and said in words."""
