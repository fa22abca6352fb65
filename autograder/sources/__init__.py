"""What a submission is made of, read without grading it: a repository's file versions as of a
time (git_history), the static scan of a notebook or project (scan), and copies of public data a
project ships (data_copies). The assignment kinds and the collect stage both build on these."""
