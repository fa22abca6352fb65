"""Write-ups graded by the rubric in their assignment folder (``rubric.yml``); no code is run."""
