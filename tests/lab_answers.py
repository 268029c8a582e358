"""Answers shared by the grading tests: a correct Task 1.1 (the triple loop) as notebook source."""

LOOPS = """
def matmul_loops(A, B):
    m, k = A.shape
    C = np.zeros((m, B.shape[1]))
    for i in range(m):
        for j in range(B.shape[1]):
            for p in range(k):
                C[i, j] += A[i, p] * B[p, j]
    return C
"""
